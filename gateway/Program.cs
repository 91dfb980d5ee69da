using Bff;
using Bff.Diagnostics;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

try
{
    // The content root is the app's own folder, so wwwroot and appsettings are found whatever the working directory.
    // The slim builder: no IIS integration, no HTTP/3, fewer assemblies and less code in memory. What the
    // gateway needs of the rest is added back: TLS endpoints from configuration, and full routing (regex
    // constraints in YARP routes).
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.WebHost.UseKestrelHttpsConfiguration();
    builder.Services.AddRouting();
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
    builder.AddBff();

    var app = builder.Build();
    app.UseBff();
    app.MapBff();
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
