using Bff.Tests.Support;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Authentication;

/// <summary>The working slice end to end: a real IdP login, a Redis session, a proxied call with the user's token.</summary>
[Trait("Category", "Integration")]
public sealed partial class LoginFlowTests(TwoGatewaysFixture fixture) : IClassFixture<TwoGatewaysFixture>
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private async Task<TestBrowser> LoggedInAsync(string user = "alice", string returnUrl = "/")
    {
        var browser = fixture.First.CreateBrowser();
        using var login = await browser.LoginAsync(user, user, returnUrl);
        login.EnsureSuccess();
        return browser;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<string> ForwardedBearerAsync(TestBrowser browser, string path)
    {
        using var response = await browser.GetAsync(path, Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = fixture.Upstream.LogEntries.Last(e => e.RequestMessage.Path == path).RequestMessage;
        Assert.False(entry.Headers!.ContainsKey("Cookie"), "the upstream must not receive the gateway's cookies");
        Assert.False(entry.Headers.ContainsKey("X-CSRF"));
        var authorization = Assert.Single(entry.Headers["Authorization"]);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }

    private static JsonElement JwtPayload(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement;
    }

    [Fact]
    public async Task Login_SetsOneOpaqueHostCookieWithStrictFlags()
    {
        using var browser = await LoggedInAsync(returnUrl: "/app?tab=1");

        var cookie = browser.Cookies.LastSetCookie("__Host-bff");
        Assert.NotNull(cookie);
        Assert.True(cookie!.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("strict", cookie.SameSite?.ToLowerInvariant());
        Assert.Equal("/", cookie.Path);
        Assert.Null(cookie.Domain);
        Assert.InRange(cookie.Value.Length, 40, 400);
        Assert.DoesNotContain("eyJ", cookie.Value, StringComparison.Ordinal);
        Assert.Empty(browser.Cookies.RejectedSetCookieHeaders);

        var token = await ForwardedBearerAsync(browser, "/api/cookie-check");
        Assert.DoesNotContain(token, cookie.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RedirectsToReturnUrl()
    {
        using var browser = fixture.First.CreateBrowser();

        using var login = await browser.LoginAsync("alice", "alice", "/orders?id=7");

        login.EnsureSuccess();
        Assert.Equal("/orders?id=7", login.FinalUri.PathAndQuery);
    }

    [Fact]
    public async Task User_AfterLogin_ReturnsProfileAndPublicHandle()
    {
        using var browser = await LoggedInAsync("bob");

        using var response = await browser.GetAsync("/bff/user", Xhr);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var user = await JsonAsync(response);
        Assert.Equal("bob", user.GetProperty("sub").GetString());
        Assert.Equal("Bob Builder", user.GetProperty("name").GetString());
        var id = user.GetProperty("session").GetProperty("id").GetString()!;
        Assert.Equal("/bff/logout?sid=" + id, user.GetProperty("logoutUrl").GetString());
        Assert.DoesNotContain(id, browser.Cookies.Get("__Host-bff")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_SendsTheUsersAccessTokenForTheApi()
    {
        using var browser = await LoggedInAsync();

        var token = await ForwardedBearerAsync(browser, "/api/me");

        var claims = JwtPayload(token);
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal("https://api.bff.example", claims.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task SecondInstance_AcceptsTheFirstInstancesCookie()
    {
        using var browser = await LoggedInAsync();
        using var other = browser.WithBaseAddress(fixture.Second.BaseAddress);

        using var user = await other.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal("alice", (await JsonAsync(user)).GetProperty("sub").GetString());

        var token = await ForwardedBearerAsync(other, "/api/second-instance");
        Assert.Equal("alice", JwtPayload(token).GetProperty("sub").GetString());
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("random")]
    public async Task TamperedCookie_401Unauthenticated_OnBothInstances(string tampering)
    {
        using var browser = await LoggedInAsync();
        var value = browser.Cookies.Get("__Host-bff")!;
        var forged = tampering switch
        {
            "flip" => value[..20] + (value[20] == 'A' ? 'B' : 'A') + value[21..],
            "truncate" => value[..(value.Length / 2)],
            _ => Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
        };

        foreach (var gateway in new[] { fixture.First, fixture.Second })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/bff/user"));
            request.Headers.Add("X-CSRF", "1");
            request.Headers.Add("Cookie", "__Host-bff=" + forged);
            using var response = await browser.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal("unauthenticated", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LoginAgain_NewSessionId_OldCookieNoLongerWorks()
    {
        using var browser = await LoggedInAsync();
        var oldCookie = browser.Cookies.Get("__Host-bff")!;
        using var before = await browser.GetAsync("/bff/user", Xhr);
        var oldId = (await JsonAsync(before)).GetProperty("session").GetProperty("id").GetString();

        using var again = await browser.LoginAsync("alice", "alice");
        again.EnsureSuccess();
        using var after = await browser.GetAsync("/bff/user", Xhr);
        var newId = (await JsonAsync(after)).GetProperty("session").GetProperty("id").GetString();

        Assert.NotEqual(oldId, newId);
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Second.BaseAddress, "/bff/user"));
        replay.Headers.Add("X-CSRF", "1");
        replay.Headers.Add("Cookie", "__Host-bff=" + oldCookie);
        using var response = await browser.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session_expired", (await JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ClientRoute_SendsTheGatewaysOwnClientCredentialsToken_SharedByInstances()
    {
        using var browser = fixture.First.CreateBrowser();
        using var other = browser.WithBaseAddress(fixture.Second.BaseAddress);

        var first = await ForwardedBearerAsync(browser, "/svc/one");
        var second = await ForwardedBearerAsync(other, "/svc/two");

        var claims = JwtPayload(first);
        Assert.Equal("https://api.bff.example", claims.GetProperty("aud").GetString());
        Assert.Equal("bff", claims.GetProperty("client_id").GetString());
        Assert.False(claims.TryGetProperty("sub", out var sub) && sub.GetString() == "alice");
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Proxy_WithoutSession_401NotRedirect()
    {
        using var browser = fixture.First.CreateBrowser();

        using var response = await browser.GetAsync("/api/anonymous", Xhr);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(fixture.Upstream.LogEntries, e => e.RequestMessage.Path == "/api/anonymous");
    }
}
