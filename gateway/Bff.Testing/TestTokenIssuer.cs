using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Bff.Testing;

/// <summary>
/// The kit's token issuer, on a <see cref="FakeOidcProvider"/>: its authorization endpoint completes the logins
/// the kit starts (no login page), and its token endpoint redeems codes, refresh tokens and client credentials
/// for RS256 JWT access tokens with the audience, scopes and claims the test chose. A real API whose JwtBearer
/// authority is <see cref="FakeOidcProvider.Issuer"/> accepts them (discovery and JWKS on a loopback address).
/// </summary>
/// <remarks>
/// Access tokens are stamped (<c>iat</c>, <c>nbf</c>, <c>exp</c>) from <see cref="TokenClock"/>, the real clock
/// unless the test says otherwise, while the token response's <c>expires_in</c> is what the gateway times its
/// refresh by on its own (moved) clock. So moving the kit's time makes the gateway refresh without making a real
/// API, which checks <c>exp</c> against its real clock, refuse the tokens. An API that shares the kit's clock sets
/// <see cref="TokenClock"/> to it as well.
/// </remarks>
public sealed partial class TestTokenIssuer
{
    /// <summary>The query parameter the kit adds to the authorization request to say whose login it is.</summary>
    public const string LoginParameter = "kit_login";

    private readonly ConcurrentDictionary<string, Grant> _logins = new();
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();

    internal TestTokenIssuer(FakeOidcProvider provider)
    {
        Provider = provider;
        provider.Server.Given(Request.Create().WithPath("/authorize").UsingGet())
            .RespondWith(Response.Create().WithCallback(Authorize));
        provider.RespondAtTokenEndpoint(Response.Create().WithCallback(Token));
    }

    /// <summary>The provider it issues on: its issuer, keys and request log.</summary>
    public FakeOidcProvider Provider { get; }

    /// <summary>The audience of access tokens when the token request names no <c>resource</c> or <c>audience</c>.</summary>
    public string DefaultAudience { get; set; } = "api";

    /// <summary>How long access tokens live (<c>expires_in</c> and <c>exp</c>).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock access tokens are stamped with: the real one unless an API under test shares the kit's.</summary>
    public TimeProvider TokenClock { get; set; } = TimeProvider.System;

    /// <summary>How the token endpoint answers refresh grants from now on (<see cref="RefreshFailure.None"/> to recover).</summary>
    public RefreshFailure RefreshFailure { get; set; }

    /// <summary>How many refresh grants reached the token endpoint (failed ones included).</summary>
    public int RefreshCount => _refreshCount;

    private int _refreshCount;

    /// <summary>
    /// Registers a login for <paramref name="subject"/> and returns its id, which the authorization request
    /// carries as <see cref="LoginParameter"/>; the kit's sign-in does this.
    /// </summary>
    /// <param name="subject">The user's <c>sub</c>.</param>
    /// <param name="claims">Further claims of the user, in the ID token and every access token.</param>
    public string BeginLogin(string subject, IEnumerable<Claim>? claims = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var id = Guid.NewGuid().ToString("N");
        _logins[id] = new Grant(subject, [.. claims ?? []], Scope: "", Nonce: null, FakeOidcProvider.ClientId);
        return id;
    }

    /// <summary>An access token as the token endpoint issues it, for a test that calls an API directly.</summary>
    /// <param name="subject">Its <c>sub</c>.</param>
    /// <param name="claims">Further claims.</param>
    /// <param name="audience">Its <c>aud</c> (<see cref="DefaultAudience"/> when null).</param>
    /// <param name="scope">Its <c>scope</c>, space-separated.</param>
    public string AccessToken(string subject, IEnumerable<Claim>? claims = null, string? audience = null, string? scope = null) =>
        AccessToken(new Grant(subject, [.. claims ?? []], scope ?? "", null, FakeOidcProvider.ClientId), audience ?? DefaultAudience, scope ?? "");

    private IResponseMessage Authorize(IRequestMessage request)
    {
        var query = QueryHelpers.ParseQuery(new Uri(request.Url).Query);
        var redirectUri = FirstOf(query, "redirect_uri");
        if (!_logins.TryRemove(FirstOf(query, LoginParameter) ?? "", out var login) || redirectUri is null)
        {
            return Error(400, "invalid_request");
        }

        var code = "code-" + Guid.NewGuid().ToString("N");
        // The ID token's audience is the client that asked, so each frontend's own client id is kept.
        _codes[code] = login with { Scope = FirstOf(query, "scope") ?? "", Nonce = FirstOf(query, "nonce"), ClientId = FirstOf(query, "client_id") ?? FakeOidcProvider.ClientId };
        var location = QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = FirstOf(query, "state") });
        var response = new ResponseMessage { StatusCode = 302 };
        response.AddHeader("Location", location);
        return response;
    }

    private IResponseMessage Token(IRequestMessage request)
    {
        var form = QueryHelpers.ParseQuery(request.Body ?? "");
        var grantType = FirstOf(form, "grant_type") ?? "";
        switch (grantType)
        {
            case "authorization_code" when _codes.TryRemove(FirstOf(form, "code") ?? "", out var login):
                return Issue(login, form, idToken: true);
            case "refresh_token":
                Interlocked.Increment(ref _refreshCount);
                return RefreshFailure switch
                {
                    RefreshFailure.InvalidGrant => Error(400, "invalid_grant"),
                    RefreshFailure.Outage => Error(503, null),
                    _ when _refreshTokens.TryRemove(FirstOf(form, "refresh_token") ?? "", out var grant) => Issue(grant, form, idToken: false),
                    _ => Error(400, "invalid_grant"),
                };
            case "client_credentials":
                var client = FirstOf(form, "client_id") ?? FakeOidcProvider.ClientId;
                return Issue(new Grant(client, [], "", null, client), form, idToken: false, refresh: false);
            default:
                return Error(400, grantType.Length == 0 ? "invalid_request" : "invalid_grant");
        }
    }

    private ResponseMessage Issue(Grant grant, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, bool idToken, bool refresh = true)
    {
        // RFC 8707 resource, or the audience parameter some IdPs use instead; a scope asked for narrows the grant's.
        var audience = FirstOf(form, "resource") ?? FirstOf(form, "audience") ?? DefaultAudience;
        var scope = FirstOf(form, "scope") ?? grant.Scope;
        var accessToken = AccessToken(grant, audience, scope);
        var body = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["scope"] = scope,
        };
        if (refresh)
        {
            var refreshToken = "rt-" + Guid.NewGuid().ToString("N");
            _refreshTokens[refreshToken] = grant;
            body["refresh_token"] = refreshToken;
        }

        if (idToken)
        {
            body["id_token"] = IdToken(grant, accessToken);
        }

        return Json(200, body);
    }

    private static string? FirstOf(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, string name) =>
        form.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;

    private static ResponseMessage Error(int status, string? error) =>
        error is null ? new ResponseMessage { StatusCode = status } : Json(status, new JsonObject { ["error"] = error });

    private static ResponseMessage Json(int status, JsonObject body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
        };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    private sealed record Grant(string Subject, Claim[] Claims, string Scope, string? Nonce, string ClientId);
}
