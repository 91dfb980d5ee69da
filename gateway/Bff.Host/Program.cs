
using Bff.Host;
using Bff.Hosting;
if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

try
{
    // The content root is the app's own folder, so appsettings and wwwroot are found whatever the working
    // directory. The slim builder: no IIS integration, no HTTP/3, fewer assemblies and less code in memory.
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    // The gateway as the library composes it for the stock host (BffStockHost), which the test kit boots too.
    builder.AddBffStockHost();
    builder.AddHostTelemetry();

    var app = builder.Build();
    app.UseBffStockHost(
        // After the gateway's middleware, so a request that matched an endpoint (every API call) skips the file
        // lookups; revalidated every time, so a browser never runs an old script after a deploy.
        afterGateway: host =>
        {
            host.UseDefaultFiles();
            host.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache" });
        },
        mapHost: host => host.MapHostTelemetry());
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (BffConfigurationError.TryDescribe(ex, out var problems))
{
    // A configuration mistake is the operator's to fix: say which keys, without a stack trace.
    await Console.Error.WriteLineAsync("Invalid configuration:" + Environment.NewLine + problems);
    return 2;
}

/// <summary>Entry point; public so tests can host it.</summary>
public partial class Program;
