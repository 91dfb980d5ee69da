using Bff.Idp;
using System.Buffers.Text;
using Microsoft.AspNetCore.WebUtilities;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Support;

/// <summary>
/// An OpenID Provider on WireMock for in-process hosts: discovery, a JWKS with an RSA key of the test's own,
/// a token endpoint answering what the test asks, revocation and end-session endpoints. It signs ID tokens
/// and back-channel logout tokens with that key, or with any other the test hands it.
/// </summary>
internal sealed class FakeOidcProvider : IDisposable
{
    public const string ClientId = "bff";
    public const string KeyId = "test-key-1";

    // Fixed mapping ids, so answering again replaces the earlier answer.
    private static readonly Guid TokenMapping = Guid.Parse("5f0c2a59-0000-4000-8000-000000000001");
    private static readonly Guid RevocationMapping = Guid.Parse("5f0c2a59-0000-4000-8000-000000000002");

    public FakeOidcProvider(bool endSessionEndpoint = true, bool revocationEndpoint = true)
    {
        Server = WireMockServer.Start();
        var discovery = new JsonObject
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new JsonArray("code"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
        };
        if (endSessionEndpoint)
        {
            discovery["end_session_endpoint"] = Issuer + "/session/end";
        }

        if (revocationEndpoint)
        {
            discovery["revocation_endpoint"] = Issuer + "/revoke";
        }

        Server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Json(discovery.ToJsonString()));
        var parameters = Key.ExportParameters(includePrivateParameters: false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            }),
        };
        Server.Given(Request.Create().WithPath("/jwks").UsingGet()).RespondWith(Json(jwks.ToJsonString()));
        RespondToRevocation(200);
    }

    public WireMockServer Server { get; }

    /// <summary>No trailing slash, as in the discovery document.</summary>
    public string Issuer => Server.Url!;

    public RSA Key { get; } = RSA.Create(2048);

    /// <summary>The form bodies posted to the revocation endpoint, oldest first.</summary>
    public IReadOnlyList<string> RevocationRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path == "/revoke").Select(e => e.RequestMessage.Body ?? "")];

    public void RespondToRevocation(int status) =>
        Server.Given(Request.Create().WithPath("/revoke").UsingPost()).WithGuid(RevocationMapping)
            .RespondWith(Response.Create().WithStatusCode(status));

    /// <summary>The token endpoint's answer to the next code exchange.</summary>
    public void RespondTokens(string idToken, string accessToken, string refreshToken, long? refreshExpiresIn = null)
    {
        var body = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["refresh_token"] = refreshToken,
            ["id_token"] = idToken,
        };
        if (refreshExpiresIn is { } seconds)
        {
            body["refresh_expires_in"] = seconds;
        }

        Server.Given(Request.Create().WithPath("/token").UsingPost()).WithGuid(TokenMapping).RespondWith(Json(body.ToJsonString()));
    }

    public string IdToken(string subject, string sid, string nonce, string accessToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var atHash = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]);
        return Sign(new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["sub"] = subject,
            ["sid"] = sid,
            ["name"] = subject,
            ["nonce"] = nonce,
            ["at_hash"] = atHash,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        });
    }

    /// <summary>
    /// A valid logout token for <paramref name="subject"/> and <paramref name="sid"/> (either may be null), as
    /// <paramref name="change"/> leaves it: set a claim to null to remove it.
    /// </summary>
    public string LogoutToken(string? subject, string? sid, Action<JsonObject>? change = null, RSA? key = null, string alg = "RS256", string kid = KeyId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["iat"] = now,
            ["exp"] = now + 120,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new JsonObject { [LogoutTokenValidator.BackchannelLogoutEvent] = new JsonObject() },
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (sid is not null)
        {
            claims["sid"] = sid;
        }

        change?.Invoke(claims);
        foreach (var name in claims.Where(c => c.Value is null).Select(c => c.Key).ToArray())
        {
            claims.Remove(name);
        }

        return Sign(claims, key, alg, "logout+jwt", kid);
    }

    public string Sign(JsonObject claims, RSA? key = null, string alg = "RS256", string typ = "JWT", string kid = KeyId)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = typ };
        if (alg != "none")
        {
            header["kid"] = kid;
        }

        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))
            + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        if (alg == "none")
        {
            return signingInput + ".";
        }

        var signature = (key ?? Key).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// A whole login through this IdP, as the browser would make it: <c>/bff/login</c>, then the callback with the
    /// state and a code, which the gateway redeems at the token endpoint for an ID token carrying the nonce.
    /// </summary>
    /// <param name="editState">Changes the state on its way back, as only a state made by other code could.</param>
    public async Task<HttpResponseMessage> LoginAsync(
        TestBrowser browser,
        string subject,
        string sid,
        long? refreshExpiresIn = null,
        string returnUrl = "/",
        Func<string, string>? editState = null,
        IEnumerable<KeyValuePair<string, string>>? callbackHeaders = null)
    {
        using var start = await browser.GetAsync("/bff/login?returnUrl=" + returnUrl);
        Assert.Equal(System.Net.HttpStatusCode.Found, start.StatusCode);
        var authorize = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        var accessToken = "at-" + Guid.NewGuid().ToString("N");
        RespondTokens(IdToken(subject, sid, authorize["nonce"]!, accessToken), accessToken, "rt-" + Guid.NewGuid().ToString("N"), refreshExpiresIn);
        var state = authorize["state"].ToString();
        return await browser.GetAsync("/signin-oidc?code=code-1&state=" + Uri.EscapeDataString(editState?.Invoke(state) ?? state), callbackHeaders);
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        Key.Dispose();
    }

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
}
