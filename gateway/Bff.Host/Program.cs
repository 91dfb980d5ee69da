
using Bff.Host;
using Bff.Hosting;
if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

try
{
    // The content root is the app's own folder, so appsettings and wwwroot are found whatever the working
    // directory. The slim builder: no IIS integration, no HTTP/3, fewer assemblies and less code in memory.
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddBffHostDefaults();
    builder.AddHostTelemetry();
    builder.AddBff().AddSessionStore().AddProxy();

    var app = builder.Build();
    app.UseBffHostDefaults();
    app.UseBff();
    // After the gateway's middleware, so a request that matched an endpoint (every API call) skips the file
    // lookups; revalidated every time, so a browser never runs an old script after a deploy.
    app.UseDefaultFiles();
    app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache" });
    app.MapBffHostDefaults();
    app.MapHostTelemetry();
    app.MapBffEndpoints();
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
