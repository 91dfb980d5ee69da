using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Support;

/// <summary>
/// One in-process gateway in front of a WireMock upstream, shared by the tests of a class (they reset the
/// upstream's log). The upstream answers like a careless API: cacheable, with a cookie, a CORS grant and
/// its Server header, so tests can prove none of it reaches the browser.
/// </summary>
public sealed class ProxyGatewayFixture : IAsyncLifetime
{
    internal WireMockServer Upstream { get; private set; } = null!;

    internal GatewayFactory Factory { get; private set; } = null!;

    internal HttpClient Client { get; private set; } = null!;

    internal IServiceProvider Services => Factory.Services;

    public Task InitializeAsync()
    {
        Upstream = WireMockServer.Start();
        Upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithHeader("Set-Cookie", "upstream=1; Path=/")
                .WithHeader("Cache-Control", "public, max-age=3600")
                .WithHeader("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")
                .WithHeader("Access-Control-Allow-Origin", "*")
                .WithHeader("Access-Control-Allow-Credentials", "true")
                .WithHeader("Server", "upstream/1.0")
                .WithBody("{\"ok\":true}"));

        var settings = GatewayFactory.BaseSettings(Upstream.Url + "/");
        // A route opted out of the token and X-CSRF checks, as a webhook would be.
        settings["ReverseProxy:Routes:hook:ClusterId"] = "api";
        settings["ReverseProxy:Routes:hook:Match:Path"] = "/hook/{**rest}";
        settings["ReverseProxy:Routes:hook:Metadata:Bff.Antiforgery"] = "false";
        Factory = new GatewayFactory(settings);
        Client = Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Upstream.Stop();
    }

    internal Task<TestSession> CreateSessionAsync(string subject) => TestSessions.SeedAsync(Services, subject);

    /// <summary>
    /// <c>GET /bff/csrf</c> in <paramref name="session"/>. With <paramref name="antiforgeryCookie"/> the
    /// browser already holds one, and the token pairs with it; otherwise the new cookie is returned.
    /// </summary>
    internal async Task<(string Token, string AntiforgeryCookie)> FetchTokenAsync(TestSession session, string? antiforgeryCookie = null)
    {
        var cookies = antiforgeryCookie is null ? [session.Cookie] : new[] { session.Cookie, antiforgeryCookie };
        var response = await Client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", cookies).ToMessage());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        if (antiforgeryCookie is not null)
        {
            return (token, antiforgeryCookie);
        }

        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        return (token, setCookie.Split(';', 2)[0]);
    }
}
