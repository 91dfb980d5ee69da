using Bff.Configuration;
using Bff.Sessions;
using Bff.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Hosting;

/// <summary>
/// The stock host in-process with its defaults, as a browser meets it: /bff/user, /bff/login, health and options;
/// what it does to proxied requests is in <see cref="Proxy.ProxiedRequestTests"/>.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class GatewayHostTests : IAsyncLifetime
{
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new GatewayFactory(GatewayFactory.BaseSettings());
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
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

    private async Task<(string Cookie, BffSession Session)> CreateSessionAsync(string subject = "alice")
    {
        var created = await TestSessions.SeedAsync(_factory.Services, subject);
        return (created.Cookie, created.Session);
    }

    [Fact]
    public async Task User_NoCsrfHeader_403Csrf()
    {
        var response = await _client.SendAsync(Get("/bff/user", csrf: false));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
    }

    [Fact]
    public async Task User_NoCookie_401Unauthenticated()
    {
        var response = await _client.SendAsync(Get("/bff/user"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%00%01%02")]
    public async Task User_ForgedCookie_401Unauthenticated(string value)
    {
        var response = await _client.SendAsync(Get("/bff/user", cookie: "__Host-bff=" + value));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task User_GenuineCookieOfEndedSession_401SessionExpired()
    {
        var (cookie, session) = await CreateSessionAsync();
        await _factory.Services.GetRequiredService<ISessionStore>().DeleteAsync(session.Id, default);

        var response = await _client.SendAsync(Get("/bff/user", cookie));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "session_expired");
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

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/%2F%2Fevil.example")]
    public async Task Login_ForeignReturnUrl_400BadRequest(string returnUrl)
    {
        var response = await _client.SendAsync(Get("/bff/login?returnUrl=" + Uri.EscapeDataString(returnUrl), csrf: false));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Login_IdpUnreachable_503IdpUnavailable()
    {
        var response = await _client.SendAsync(Get("/bff/login?returnUrl=/", csrf: false));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
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
