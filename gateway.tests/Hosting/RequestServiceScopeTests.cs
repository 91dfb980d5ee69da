using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Hosting;

/// <summary>
/// A proxied call of a session in the cache, GET or POST with a token pair that already passed, goes through the
/// whole stock pipeline without asking the request's services for anything. The first ask creates a service scope,
/// disposed when the request ends: work on every API call for nothing any of it needs.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class RequestServiceScopeTests(ProxyGatewayFixture gateway) : IClassFixture<ProxyGatewayFixture>
{
    [Fact]
    public async Task ProxiedCalls_OfACachedSession_AskTheRequestServicesForNothing()
    {
        var asks = new ConcurrentDictionary<string, int>();
        await using var factory = gateway.Factory.WithWebHostBuilder(host =>
            host.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new CountingFilter(asks))));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var alice = await TestSessions.SeedAsync(factory.Services, "alice");
        var csrf = await client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie).ToMessage());
        var token = JsonDocument.Parse(await csrf.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        var antiforgeryCookie = csrf.Headers.GetValues("Set-Cookie").Single().Split(';', 2)[0];
        var get = GatewayRequest.Browser("GET", "/api/data", alice.Cookie);
        var post = GatewayRequest.Browser("POST", "/api/data", alice.Cookie, antiforgeryCookie) with { Token = token };

        // The first of each reads the session and validates the pair; the second finds both remembered.
        foreach (var request in new[] { get, post, get with { Path = "/api/again" }, post with { Path = "/api/again" } })
        {
            var response = await client.SendAsync(request.ToMessage());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, asks.GetValueOrDefault("GET /api/again"));
        Assert.Equal(0, asks.GetValueOrDefault("POST /api/again"));
        // The count is live: the gateway's own endpoints still ask (antiforgery's token is made through them).
        Assert.True(asks.GetValueOrDefault("GET /bff/csrf") > 0);
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
