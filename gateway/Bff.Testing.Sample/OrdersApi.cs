using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Bff.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ContractTests;

/// <summary>
/// The orders team's API as it runs in production: JwtBearer against the IdP (here the kit's issuer), its own
/// audience, and an admin-only route under its own authorization. It runs on a loopback port; the gateway
/// reaches it over the network as it would in production. It notes what each request carried, for the tests.
/// </summary>
public sealed class OrdersApi : IAsyncDisposable
{
    public const string Audience = "https://orders.shop.example";

    private readonly WebApplication _app;

    private OrdersApi(WebApplication app) => _app = app;

    /// <summary>What the API received, newest last: the decoded bearer and the names of the headers.</summary>
    public ConcurrentQueue<(ReceivedToken? Token, string[] Headers)> Received { get; } = new();

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");

    public static async Task<OrdersApi> StartAsync(string authority)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication().AddJwtBearer(options =>
        {
            options.Authority = authority;
            options.Audience = Audience;
            // The kit's issuer serves discovery over plain HTTP on loopback.
            options.RequireHttpsMetadata = false;
            options.MapInboundClaims = false;
            options.TokenValidationParameters.RoleClaimType = "role";
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy("admin", policy => policy.RequireRole("admin"));

        var app = builder.Build();
        OrdersApi api = new(app);
        app.Use((context, next) =>
        {
            api.Received.Enqueue((ReceivedToken.FromAuthorizationHeader(context.Request.Headers.Authorization), [.. context.Request.Headers.Keys]));
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/orders/mine", (ClaimsPrincipal user) => new { owner = user.FindFirstValue("sub"), orders = new[] { "o-1" } }).RequireAuthorization();
        app.MapGet("/admin/orders", () => new { orders = new[] { "o-1", "o-2" } }).RequireAuthorization("admin");
        await app.StartAsync();
        return api;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
