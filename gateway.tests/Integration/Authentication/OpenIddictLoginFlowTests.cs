using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Integration.Lifecycle;
using Bff.Tests.Support;
using System.Net;
using System.Text;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Authentication;

/// <summary>
/// The working slice against a second, independent OpenID Provider (OpenIddict's server, infra/openiddict-idp):
/// login through its own pages (PAR when discovery offers it), a proxied call with its access token, a refresh
/// with rotation and no replay, logout that revokes the refresh token there and ends its session.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OpenIddictLoginFlowTests(OpenIddictLoginFlowTests.KeyedIdp fixture) : IClassFixture<OpenIddictLoginFlowTests.KeyedIdp>, IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private readonly WireMockServer _upstream = WireMockServer.Start();
    private RedisServer _redis = null!;
    private OpenIddictIdp _idp = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        _redis = await SharedServers.GetRedisAsync();
        _idp = fixture.Idp;
    }

    private async Task StartGatewayAsync(string method)
    {
        var config = GatewayConfig.Create(_idp, _redis, new Uri(_upstream.Url + "/"));
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:00:02";
        if (method == "private_key_jwt")
        {
            // OpenIddict takes assertions only in the shape of RFC 7523's update: aud the issuer, typ client-authentication+jwt.
            config["Bff:ClientAuthentication"] = "private_key_jwt";
            config["Bff:ClientAssertion:KeyPath"] = fixture.PrivateKeyPath;
            config["Bff:ClientAssertion:Audience"] = "issuer";
            config["Bff:ClientAssertion:TokenType"] = "client-authentication+jwt";
        }

        _gateway = await GatewayProcess.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _upstream.Stop();
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("private_key_jwt")]
    public async Task LoginProxiedCallRefreshAndLogout_WorkAgainstOpenIddict(string method)
    {
        await StartGatewayAsync(method);
        using var browser = _gateway.CreateBrowser();
        Assert.True(await LoginAsync(browser, "alice"));

        var (status, user) = await UserAsync(browser);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", user.GetProperty("sub").GetString());
        Assert.Equal("Alice Liddell", user.GetProperty("name").GetString());
        var sessionId = user.GetProperty("session").GetProperty("id").GetString()!;

        var first = await ForwardedBearerAsync(browser);
        var claims = JwtPayload(first);
        Assert.Equal(_idp.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("https://api.bff.example", claims.GetProperty("aud").GetString());
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal(_idp.ClientId, claims.GetProperty("client_id").GetString());

        using var stored = new StoredSessions(_redis);
        var firstRefreshToken = (await stored.TokensAsync(sessionId))?.RefreshToken;
        Assert.NotNull(firstRefreshToken);

        // Inside the refresh window the next call refreshes before it is proxied.
        var second = first;
        await Eventually.TrueAsync(async () => (second = await ForwardedBearerAsync(browser)) != first,
            TimeSpan.FromSeconds(15), "a proxied call with a refreshed access token", TimeSpan.FromMilliseconds(250));
        Assert.Equal("alice", JwtPayload(second).GetProperty("sub").GetString());

        // Rotated, and the first refresh token was presented once only: a second use (introspection included)
        // would have been refused as a replay and revoked every token of the login, the new one too. So the
        // first one is not asked about here.
        var secondRefreshToken = (await stored.TokensAsync(sessionId))?.RefreshToken;
        Assert.NotNull(secondRefreshToken);
        Assert.NotEqual(firstRefreshToken, secondRefreshToken);
        Assert.False(_idp.Output.Contains("already been redeemed"), "OpenIddict saw a refresh token replayed:\n" + _idp.Output.Tail(20));
        Assert.True(await _idp.IsActiveAsync(secondRefreshToken), "the login's tokens were revoked:\n" + _idp.Output.Tail(20));

        using var logout = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(sessionId));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.False(await _idp.IsActiveAsync(secondRefreshToken), "the gateway should have revoked the refresh token at logout");
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserAsync(browser)).Status);

        var endSession = logout.Headers.Location!.ToString();
        Assert.StartsWith(_idp.Issuer + "connect/endsession?", endSession, StringComparison.Ordinal);
        using var idpLogout = await browser.LogoutAtIdpAsync(endSession);
        Assert.Contains(idpLogout.Chain, u => u.AbsolutePath == "/signout-callback-oidc" && u.Port == _gateway.Port);
        Assert.Equal(new Uri(_gateway.BaseAddress, "/"), idpLogout.FinalUri);

        // The IdP's session ended too: the next login asks for a password, and may be someone else.
        Assert.True(await LoginAsync(browser, "bob"));
        Assert.Equal("bob", (await UserAsync(browser)).Body.GetProperty("sub").GetString());
    }

    /// <summary>The whole login; a failure quotes OpenIddict's log, which says why it refused (invalid_client, a redirect URI).</summary>
    private async Task<bool> LoginAsync(TestBrowser browser, string user)
    {
        using var login = await browser.LoginAsync(user, user);
        try
        {
            login.EnsureSuccess();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(e.Message + "\nOpenIddict's log:\n" + _idp.Output.Tail(8), e);
        }

        return login.LoginFormSubmitted;
    }

    private async Task<string> ForwardedBearerAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/api/orders", Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var authorization = Assert.Single(_upstream.LogEntries.Last().RequestMessage.Headers!["Authorization"]);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> UserAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static JsonElement JwtPayload(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return json.RootElement.Clone();
    }

    /// <summary>One OpenIddict IdP for both cases: tokens for 4 s (refreshed within 2 s of expiry), and the client's public key for private_key_jwt.</summary>
    public sealed class KeyedIdp : IAsyncLifetime
    {
        private readonly string _directory = TestRun.CreateTempDirectory("openiddict-flow");

        public OpenIddictIdp Idp { get; private set; } = null!;

        public string PrivateKeyPath => Path.Combine(_directory, "client.pem");

        public async Task InitializeAsync()
        {
            using var key = System.Security.Cryptography.RSA.Create(2048);
            await File.WriteAllTextAsync(PrivateKeyPath, key.ExportPkcs8PrivateKeyPem());
            var publicKey = Path.Combine(_directory, "client.pub.pem");
            await File.WriteAllTextAsync(publicKey, key.ExportSubjectPublicKeyInfoPem());
            Idp = await OpenIddictIdp.StartAsync(new OpenIddictIdpOptions { AccessTokenLifetime = TimeSpan.FromSeconds(4), ClientPublicKeyPath = publicKey });
        }

        public async Task DisposeAsync()
        {
            if (Idp is not null)
            {
                await Idp.DisposeAsync();
            }

            TestRun.TryDeleteDirectory(_directory);
        }
    }
}
