using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Testing;

/// <summary>
/// An OpenID Provider for tests, on WireMock at a loopback port of its own: discovery, a JWKS with an RSA key it
/// makes itself, a token endpoint that answers whatever the test sets next (a code exchange, a refresh, client
/// credentials, or an error), a revocation endpoint and an end-session endpoint. It signs ID tokens and back-channel
/// logout tokens with its key (RS256, or PS256 when asked), or with any other the test hands it, and can rotate its
/// key as an IdP does. Every request it receives is logged, so a test can count and read the grants, revocations and
/// key fetches that reached it.
/// </summary>
public sealed partial class FakeOidcProvider : IDisposable
{
    /// <summary>The client the provider issues tokens to: the <c>aud</c> of its ID and logout tokens.</summary>
    public const string ClientId = "bff";

    /// <summary>The <c>kid</c> of <see cref="Key"/> in the JWKS and in the tokens it signs.</summary>
    public const string KeyId = "test-key-1";

    /// <summary>The event a back-channel logout token carries (OpenID Connect Back-Channel Logout 1.0, section 2.4).</summary>
    public const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    // Fixed mapping ids, so that answering again replaces the earlier answer.
    private static readonly Guid TokenMapping = Guid.Parse("5f0c2a59-0000-4000-8000-000000000001");
    private static readonly Guid RevocationMapping = Guid.Parse("5f0c2a59-0000-4000-8000-000000000002");
    private static readonly Guid JwksMapping = Guid.Parse("5f0c2a59-0000-4000-8000-000000000003");

    private readonly List<RSA> _retiredKeys = [];

    /// <summary>Starts the provider; its token endpoint answers 404 until a test sets its answer.</summary>
    /// <param name="endSessionEndpoint">Whether discovery names an end-session endpoint (RP-initiated logout).</param>
    /// <param name="revocationEndpoint">Whether discovery names a revocation endpoint (RFC 7009).</param>
    /// <param name="signingAlgorithm">How it signs its tokens with <see cref="Key"/>: <c>RS256</c> or <c>PS256</c>.</param>
    public FakeOidcProvider(bool endSessionEndpoint = true, bool revocationEndpoint = true, string signingAlgorithm = "RS256")
    {
        if (signingAlgorithm is not ("RS256" or "PS256"))
        {
            throw new ArgumentOutOfRangeException(nameof(signingAlgorithm), signingAlgorithm, "RS256 or PS256.");
        }

        SigningAlgorithm = signingAlgorithm;
        Server = WireMockServer.Start();
        Issuer = Server.Url!;
        Server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Json(FakeOidcDocuments.Discovery(this, endSessionEndpoint, revocationEndpoint)));
        PublishKey();
        RespondToRevocation(200);
    }

    /// <summary>The WireMock server underneath, for what this type does not say: stopping it stands for an outage.</summary>
    public WireMockServer Server { get; }

    /// <summary>The issuer, with no trailing slash as in the discovery document: what the gateway's <c>Bff:Authority</c> is set to.</summary>
    public string Issuer { get; }

    /// <summary>The authorization endpoint: it answers only the logins a <see cref="TestTokenIssuer"/> started (the kit's sign-in); a test that drives the callback itself never needs it.</summary>
    public string AuthorizationEndpoint => Issuer + "/authorize";

    /// <summary>The token endpoint.</summary>
    public string TokenEndpoint => Issuer + "/token";

    /// <summary>The revocation endpoint, whether or not discovery names it.</summary>
    public string RevocationEndpoint => Issuer + "/revoke";

    /// <summary>The end-session endpoint, whether or not discovery names it.</summary>
    public string EndSessionEndpoint => Issuer + "/session/end";

    /// <summary>The signing key published in the JWKS (the newest, after <see cref="RotateSigningKey"/>).</summary>
    public RSA Key { get; private set; } = RSA.Create(2048);

    /// <summary>The <c>kid</c> of <see cref="Key"/>: <see cref="KeyId"/> until the key is rotated.</summary>
    public string CurrentKeyId { get; private set; } = KeyId;

    /// <summary>The algorithm its tokens are signed with, as the JWKS says of its key.</summary>
    public string SigningAlgorithm { get; }

    /// <summary>How many times the JWKS was fetched since the requests were last cleared.</summary>
    public int JwksRequestCount => Server.LogEntries.Count(e => e.RequestMessage.Path == "/jwks");

    /// <summary>The form bodies posted to the token endpoint, oldest first.</summary>
    public IReadOnlyList<string> TokenRequests => RequestsTo("/token");

    /// <summary>The form bodies posted to the revocation endpoint, oldest first.</summary>
    public IReadOnlyList<string> RevocationRequests => RequestsTo("/revoke");

    /// <summary>What the revocation endpoint answers from now on (200 at first).</summary>
    /// <param name="status">The HTTP status, with no body.</param>
    public void RespondToRevocation(int status) =>
        Server.Given(Request.Create().WithPath("/revoke").UsingPost()).WithGuid(RevocationMapping)
            .RespondWith(Response.Create().WithStatusCode(status));

    /// <summary>Forgets the requests received so far, so the next counts start from zero; the answers set stay.</summary>
    public void ClearRequests() => Server.ResetLogEntries();

    /// <summary>
    /// Rotates the signing key as an IdP does: a new key with a new <c>kid</c> signs from now on, and the JWKS
    /// publishes only it (tokens signed with the old key no longer verify).
    /// </summary>
    public void RotateSigningKey()
    {
        _retiredKeys.Add(Key);
        Key = RSA.Create(2048);
        CurrentKeyId = "test-key-" + (_retiredKeys.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        PublishKey();
    }

    /// <summary>Stops the server and drops the key.</summary>
    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        Key.Dispose();
        foreach (var key in _retiredKeys)
        {
            key.Dispose();
        }
    }

    private void PublishKey() =>
        Server.Given(Request.Create().WithPath("/jwks").UsingGet()).WithGuid(JwksMapping)
            .RespondWith(Json(FakeOidcDocuments.Jwks(Key, CurrentKeyId, SigningAlgorithm)));

    internal void RespondAtTokenEndpoint(IResponseBuilder response, TimeSpan? delay = null) =>
        Server.Given(Request.Create().WithPath("/token").UsingPost()).WithGuid(TokenMapping)
            .RespondWith(delay is { } d && d > TimeSpan.Zero ? response.WithDelay(d) : response);

    private List<string> RequestsTo(string path) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path == path).Select(e => e.RequestMessage.Body ?? "")];

    internal static IResponseBuilder Json(JsonObject body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString());
}
