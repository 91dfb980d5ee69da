using Bff.Sample;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Bff.Tests.Sample;

/// <summary>
/// The sample host (gateway/Bff.Sample): a host of its own with the gateway added and one local API, on Kestrel,
/// signing in through the fake IdP. The local API gets the gateway's session and CSRF rules; the host's own
/// endpoint keeps none of them.
/// </summary>
public sealed class SampleHostTests : IAsyncLifetime
{
    private readonly FakeOidcProvider _idp = new();
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _app = SampleHost.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration["Bff:Authority"] = _idp.Issuer;
            builder.Configuration["Bff:ClientId"] = FakeOidcProvider.ClientId;
            builder.Configuration["Bff:ClientSecret"] = "secret";
            builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        });
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _idp.Dispose();
    }

    [Fact]
    public async Task LocalApi_SignedIn_AnswersWithTheSessionsUser()
    {
        var browser = new TestBrowser(_address);
        using var login = await _idp.LoginAsync(browser, "alice", "sid-1");
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);

        using var response = await browser.GetAsync("/api/local/me", OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("alice", body.RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task LocalApi_WithoutCsrfHeader_403Csrf()
    {
        var browser = new TestBrowser(_address);
        using var login = await _idp.LoginAsync(browser, "alice", "sid-1");

        using var response = await browser.GetAsync("/api/local/me");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
    }

    [Fact]
    public async Task LocalApi_WithoutSession_401Unauthenticated()
    {
        using var response = await new TestBrowser(_address).GetAsync("/api/local/me", OidcGatewayHost.Xhr);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task HostsOwnEndpoint_KeepsItsOwnRules()
    {
        // No X-CSRF, no session, and none of the gateway's response headers: it is the host's.
        using var response = await new TestBrowser(_address).GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Headers.CacheControl);
    }

    [Fact]
    public async Task ClientScript_ServedByTheLibrary()
    {
        using var response = await new TestBrowser(_address).GetAsync("/bff-client.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("export", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
