using Bff;
using Bff.Diagnostics;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.AddBff();

var app = builder.Build();
app.UseBff();
app.MapBff();
app.Run();
return 0;

/// <summary>Entry point; public so tests can host it.</summary>
public partial class Program;
