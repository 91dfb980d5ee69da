using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Idp;

/// <summary>
/// A real provider (the dev IdP) that differs from the usual one: ID and logout tokens signed ES256, opaque access
/// tokens, and signing keys that change when it restarts (same issuer, new key): the login right after works.
/// </summary>
[Trait("Category", "Integration")]
public sealed class IdpSigningKeysTests(IdpSigningKeysTests.Servers servers) : IClassFixture<IdpSigningKeysTests.Servers>
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    [Fact]
    public async Task Es256Tokens_OpaqueAccessToken_LoginProxyAndBackchannelLogout()
    {
        using var browser = servers.Gateway.CreateBrowser();
        using (var login = await browser.LoginAsync("alice", "alice"))
        {
            login.EnsureSuccess();
        }

        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        var before = servers.Upstream.LogEntries.Count();
        using (var api = await browser.GetAsync("/api/orders", Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        // Forwarded as issued: an opaque token, not a JWT.
        var forwarded = servers.Upstream.LogEntries.Skip(before).Single().RequestMessage.Headers!["Authorization"].Single();
        Assert.StartsWith("Bearer ", forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain('.', forwarded);

        await LogoutAtIdpAsync(browser);
    }

    [Fact]
    public async Task IdpRestartedWithNewKeys_TheLoginRightAfterAndItsLogoutTokenWork()
    {
        using (var first = servers.Gateway.CreateBrowser())
        using (var login = await first.LoginAsync("alice", "alice"))
        {
            login.EnsureSuccess();
        }

        await servers.Idp.RestartAsync();

        using var browser = servers.Gateway.CreateBrowser();
        using (var login = await browser.LoginAsync("bob", "bob"))
        {
            Assert.Equal(HttpStatusCode.Found, login.CallbackStatusCode);
            Assert.Equal(new Uri(servers.Gateway.BaseAddress, "/"), login.CallbackLocation);
        }

        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        await LogoutAtIdpAsync(browser);
    }

    private async Task LogoutAtIdpAsync(TestBrowser browser)
    {
        var delivered = servers.Gateway.Output.LineCount;
        var postLogout = Uri.EscapeDataString(new Uri(servers.Gateway.BaseAddress, "/signout-callback-oidc").ToString());
        using (await browser.LogoutAtIdpAsync($"{servers.Idp.Issuer}/session/end?client_id={servers.Idp.ClientId}&post_logout_redirect_uri={postLogout}"))
        {
        }

        // The IdP waits for the gateway's answer to its logout token before it redirects: the session has ended.
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
        await Eventually.TrueAsync(
            () => servers.Gateway.Output.LinesSince(delivered).Any(line => line.Contains("Back-channel logout ended 1 session(s)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5), "the gateway to log the back-channel logout");
    }

    private static async Task<HttpStatusCode> UserStatusAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        return response.StatusCode;
    }

    /// <summary>One dev IdP (ES256, opaque access tokens, back-channel logout to the gateway) and one gateway for the class.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        public WireMockServer Upstream { get; } = WireMockServer.Start();

        public DevIdp Idp { get; private set; } = null!;

        public GatewayProcess Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
            var port = FreePort.Next();
            Idp = await DevIdp.StartAsync(new DevIdpOptions
            {
                BackchannelLogoutUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/bff/backchannel-logout")),
                ExtraEnvironment = new Dictionary<string, string>
                {
                    ["IDP_ID_TOKEN_SIGNING_ALG"] = "ES256",
                    ["IDP_ACCESS_TOKEN_FORMAT"] = "opaque",
                },
            });
            Gateway = await GatewayProcess.StartAsync(new GatewayStartOptions
            {
                Config = GatewayConfig.Create(Idp, redis: null, new Uri(Upstream.Url + "/")),
                Port = port,
            });
        }

        public async Task DisposeAsync()
        {
            if (Gateway is not null)
            {
                await Gateway.DisposeAsync();
            }

            if (Idp is not null)
            {
                await Idp.DisposeAsync();
            }

            Upstream.Stop();
        }
    }
}
