using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using System.Text.Json;
using Xunit;

namespace Bff.Tests.Integration.InfrastructureTests;

[Trait("Category", "Integration")]
public sealed class GatewayProcessTests
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    [Fact]
    public async Task Starts_answers_healthz_in_its_own_home_and_dies_on_kill()
    {
        var shared = await SharedServers.GetAsync();
        await using var gateway = await GatewayProcess.StartAsync(GatewayConfig.Create(shared.Idp, shared.Redis));
        using var browser = gateway.CreateBrowser();

        using (var health = await browser.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(new Uri($"http://127.0.0.1:{gateway.Port}/"), gateway.BaseAddress);
        Assert.True(Directory.Exists(gateway.HomeDirectory));
        var environment = File.ReadAllText($"/proc/{gateway.Pid}/environ").Split('\0');
        Assert.Contains($"HOME={gateway.HomeDirectory}", environment);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Production", environment);
        Assert.Contains($"ConnectionStrings__Redis={shared.Redis.ConnectionString}", environment);
        await gateway.Output.WaitForAsync($"http://127.0.0.1:{gateway.Port}", TimeSpan.FromSeconds(5));
        Assert.True(File.Exists(gateway.Output.LogFilePath));

        await gateway.KillAsync();
        Assert.True(gateway.HasExited);
        Assert.Equal(137, gateway.ExitCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => browser.GetAsync("/healthz"));
    }

    [Fact]
    public async Task A_gateway_that_stops_at_start_up_throws_with_its_output()
    {
        var e = await Assert.ThrowsAsync<GatewayStartException>(() =>
            GatewayProcess.StartAsync(new Dictionary<string, string?> { ["Bff:Session:AllowInMemoryStore"] = "true" }));

        Assert.NotNull(e.ExitCode);
        Assert.NotEqual(0, e.ExitCode);
        Assert.Contains("Bff:Authority", e.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_logs_in_through_the_dev_idp_and_its_cookie_works_on_a_second_instance()
    {
        var shared = await SharedServers.GetAsync();
        var config = GatewayConfig.Create(shared.Idp, shared.Redis);
        await using var first = await GatewayProcess.StartAsync(config);
        await using var second = await GatewayProcess.StartAsync(config);
        Assert.NotEqual(first.HomeDirectory, second.HomeDirectory);
        using var browser = first.CreateBrowser();

        using var login = await browser.LoginAsync("alice", "alice", "/somewhere");

        login.EnsureSuccess();
        Assert.True(login.LoginFormSubmitted);
        Assert.Equal(new Uri(first.BaseAddress, "/somewhere"), login.CallbackLocation);
        Assert.StartsWith(shared.Idp.Issuer, login.Chain[1].ToString(), StringComparison.Ordinal);
        Assert.Contains(login.Chain, u => u.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal));
        var session = browser.Cookies.LastSetCookie("__Host-bff");
        Assert.NotNull(session);
        Assert.True(session.Secure && session.HttpOnly);
        Assert.Equal("/", session.Path);

        Assert.Equal("alice", await SubAsync(browser));
        using var onSecond = browser.WithBaseAddress(second.BaseAddress);
        Assert.Equal("alice", await SubAsync(onSecond));

        // The IdP remembers the browser: a second login passes straight through, still as alice.
        using var again = await onSecond.LoginAsync("bob", "bob");
        again.EnsureSuccess();
        Assert.False(again.LoginFormSubmitted);
        Assert.Equal("alice", await SubAsync(onSecond));
    }

    [Fact]
    public async Task Logout_at_the_idp_ends_its_session_so_the_next_login_asks_again()
    {
        var shared = await SharedServers.GetAsync();
        await using var gateway = await GatewayProcess.StartAsync(GatewayConfig.Create(shared.Idp, shared.Redis));
        using var browser = gateway.CreateBrowser();
        using (var first = await browser.LoginAsync("bob", "bob"))
        {
            first.EnsureSuccess();
        }

        var postLogout = Uri.EscapeDataString(new Uri(gateway.BaseAddress, "/signout-callback-oidc").ToString());
        using var logout = await browser.LogoutAtIdpAsync($"{shared.Idp.Issuer}/session/end?client_id={shared.Idp.ClientId}&post_logout_redirect_uri={postLogout}");

        Assert.Contains(logout.Chain, u => u.AbsolutePath.EndsWith("/confirm", StringComparison.Ordinal));
        Assert.Contains(new Uri(gateway.BaseAddress, "/signout-callback-oidc"), logout.Chain.Select(u => new Uri(u.GetLeftPart(UriPartial.Path))));
        using var again = await browser.LoginAsync("alice", "alice");
        again.EnsureSuccess();
        Assert.True(again.LoginFormSubmitted);
        Assert.Equal("alice", await SubAsync(browser));
    }

    [Fact]
    public async Task A_wrong_password_is_reported_not_retried()
    {
        var shared = await SharedServers.GetAsync();
        await using var gateway = await GatewayProcess.StartAsync(GatewayConfig.Create(shared.Idp, shared.Redis));
        using var browser = gateway.CreateBrowser();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.LoginAsync("alice", "bob"));

        Assert.Contains("login form again", e.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> SubAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/bff/user on {browser.BaseAddress}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("sub").GetString();
    }
}
