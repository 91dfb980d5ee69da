using System.Collections.Concurrent;
using System.Net;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Hosting;

/// <summary>
/// A proxied call of a session in the cache, GET or POST with a token pair that already passed, goes through the
/// whole stock pipeline without asking the request's services for anything. The first ask creates a service scope,
/// disposed when the request ends: work on every API call for nothing any of it needs.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class RequestServiceScopeTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _asks = new();
    private WireMockServer _upstream = null!;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        _factory = new GatewayFactory(GatewayFactory.BaseSettings(_upstream.Url + "/"),
            configureServices: services => services.AddSingleton<IStartupFilter>(new CountingFilter(_asks)));
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _upstream.Stop();
    }

    [Fact]
    public async Task ProxiedCalls_OfACachedSession_AskTheRequestServicesForNothing()
    {
        var alice = await TestSessions.SeedAsync(_factory.Services, "alice");
        var csrf = await _client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie).ToMessage());
        var token = System.Text.Json.JsonDocument.Parse(await csrf.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        var antiforgeryCookie = csrf.Headers.GetValues("Set-Cookie").Single().Split(';', 2)[0];
        var get = GatewayRequest.Browser("GET", "/api/data", alice.Cookie);
        var post = GatewayRequest.Browser("POST", "/api/data", alice.Cookie, antiforgeryCookie) with { Token = token };

        // The first of each reads the session and validates the pair; the second finds both remembered.
        foreach (var request in new[] { get, post, get with { Path = "/api/again" }, post with { Path = "/api/again" } })
        {
            var response = await _client.SendAsync(request.ToMessage());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, _asks.GetValueOrDefault("GET /api/again"));
        Assert.Equal(0, _asks.GetValueOrDefault("POST /api/again"));
        // The count is live: the gateway's own endpoints still ask (antiforgery's token is made through them).
        Assert.True(_asks.GetValueOrDefault("GET /bff/csrf") > 0);
    }

    // In front of the whole pipeline: counts, per method and path, what the request's services were asked.
    private sealed class CountingFilter(ConcurrentDictionary<string, int> asks) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var scopes = app.ApplicationServices.GetRequiredService<IServiceScopeFactory>();
            app.Use((context, nextMiddleware) =>
            {
                var key = context.Request.Method + " " + context.Request.Path;
                // The host makes the request's services on first use, through this very feature.
                var real = context.Features.Get<IServiceProvidersFeature>() ?? new RequestServicesFeature(context, scopes);
                context.Features.Set<IServiceProvidersFeature>(new Counted(real, () => asks.AddOrUpdate(key, 1, (_, n) => n + 1)));
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class Counted(IServiceProvidersFeature real, Action asked) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices
        {
            get
            {
                asked();
                return real.RequestServices;
            }

            set => real.RequestServices = value;
        }
    }
}
