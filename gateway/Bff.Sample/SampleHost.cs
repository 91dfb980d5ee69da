using Bff.Hosting;
using System.Security.Claims;

namespace Bff.Sample;

/// <summary>
/// A host of its own that adds the gateway beside a local API: its logging, error handling and health
/// endpoint stay its own, and the local API gets the gateway's session and CSRF rules. Configure it as the
/// stock host (<c>Bff:*</c>, <c>ConnectionStrings:Redis</c>, <c>ReverseProxy</c>).
/// </summary>
public static class SampleHost
{
    public static Task Main(string[] args) => Build(args).RunAsync();

    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Lets a test change the builder (a test server, settings) before it is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBff().AddSessionStore().AddProxy();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRouting();
        app.UseBff();
        app.MapBffEndpoints();

        // The host's own endpoint: the gateway leaves it alone (no CSRF check, no session needed).
        app.MapGet("/health", () => "ok");

        // A local API next to the proxied ones: the same cookie, the same CSRF rules, the same 401 problems.
        app.MapGet("/api/local/me", (ClaimsPrincipal user) => new LocalUser(user.FindFirstValue("sub"), user.FindFirstValue("name")))
            .AsBffLocalApi();
        return app;
    }

    /// <summary>What the local API answers.</summary>
    public sealed record LocalUser(string? Sub, string? Name);
}
