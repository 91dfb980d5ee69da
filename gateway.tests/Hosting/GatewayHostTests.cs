using Bff.Configuration;
using Bff.Sessions;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public sealed class GatewayHostTests : IAsyncLifetime
{
    private WireMockServer _upstream = null!;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Set-Cookie", "upstream=1; Path=/")
                .WithHeader("Cache-Control", "public, max-age=3600")
                .WithBody("{\"ok\":true}"));
        _factory = new GatewayFactory(GatewayFactory.BaseSettings(_upstream.Url + "/"));
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _upstream.Stop();
    }

    private static HttpRequestMessage Get(string path, string? cookie = null, bool csrf = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (csrf)
        {
            request.Headers.Add("X-CSRF", "1");
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, body.RootElement.GetProperty("status").GetInt32());
    }

    private async Task<(string Cookie, BffSession Session)> CreateSessionAsync(string subject = "alice")
    {
        var created = await TestSessions.SeedAsync(_factory.Services, subject);
        return (created.Cookie, created.Session);
    }

    [Fact]
    public async Task User_NoCsrfHeader_403Csrf()
    {
        var response = await _client.SendAsync(Get("/bff/user", csrf: false));
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
    }

    [Fact]
    public async Task User_NoCookie_401Unauthenticated()
    {
        var response = await _client.SendAsync(Get("/bff/user"));
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%00%01%02")]
    public async Task User_ForgedCookie_401Unauthenticated(string value)
    {
        var response = await _client.SendAsync(Get("/bff/user", cookie: "__Host-bff=" + value));
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task User_GenuineCookieOfEndedSession_401SessionExpired()
    {
        var (cookie, session) = await CreateSessionAsync();
        await _factory.Services.GetRequiredService<ISessionStore>().DeleteAsync(session.Id, default);

        var response = await _client.SendAsync(Get("/bff/user", cookie));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "session_expired");
    }

    [Fact]
    public async Task User_ValidSession_ReturnsUserAndPublicHandle()
    {
        var (cookie, session) = await CreateSessionAsync();

        var response = await _client.SendAsync(Get("/bff/user", cookie));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("alice", body.GetProperty("sub").GetString());
        Assert.Equal("alice (test)", body.GetProperty("name").GetString());
        Assert.Equal(session.Id, body.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal("/bff/logout?sid=" + session.Id, body.GetProperty("logoutUrl").GetString());
        var text = body.GetRawText();
        Assert.DoesNotContain("access-alice", text, StringComparison.Ordinal);
        Assert.DoesNotContain(cookie.Split('=', 2)[1], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_NoSession_401NeverRedirect_UpstreamUntouched()
    {
        var response = await _client.SendAsync(Get("/api/data"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_NoCsrfHeader_403_UpstreamUntouched()
    {
        var (cookie, _) = await CreateSessionAsync();

        var response = await _client.SendAsync(Get("/api/data", cookie, csrf: false));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_ValidSession_SendsBearer_StripsBrowserCredentials()
    {
        var (cookie, _) = await CreateSessionAsync();
        var request = Get("/api/data?x=1", cookie + "; other=1");
        request.Headers.Add("Authorization", "Bearer smuggled");
        request.Headers.Add("X-XSRF-TOKEN", "t");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var forwarded = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal("/api/data", forwarded.Path);
        Assert.Equal("Bearer access-alice", Assert.Single(forwarded.Headers!["Authorization"]));
        Assert.False(forwarded.Headers.ContainsKey("Cookie"));
        Assert.False(forwarded.Headers.ContainsKey("X-CSRF"));
        Assert.False(forwarded.Headers.ContainsKey("X-XSRF-TOKEN"));
    }

    [Fact]
    public async Task Proxy_UserOptionalWithoutSession_ForwardsWithoutToken()
    {
        var request = Get("/open/data");
        request.Headers.Add("Authorization", "Bearer smuggled");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.False(forwarded.Headers!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Proxy_ClientRouteWithIdpUnreachable_503_UpstreamUntouched()
    {
        var response = await _client.SendAsync(Get("/client/data"));

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
        Assert.Empty(_upstream.LogEntries);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/%2F%2Fevil.example")]
    public async Task Login_ForeignReturnUrl_400BadRequest(string returnUrl)
    {
        var response = await _client.SendAsync(Get("/bff/login?returnUrl=" + Uri.EscapeDataString(returnUrl), csrf: false));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Login_IdpUnreachable_503IdpUnavailable()
    {
        var response = await _client.SendAsync(Get("/bff/login?returnUrl=/", csrf: false));

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Health_LiveButNotReadyWithoutDiscovery()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);

        var ready = await _client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("idp").GetProperty("status").GetString());
    }

    [Fact]
    public void Options_BoundFromConfiguration()
    {
        var options = _factory.Services.GetRequiredService<IOptions<BffOptions>>().Value;
        Assert.Equal("bff", options.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Tokens.IdpTimeout);
    }
}
