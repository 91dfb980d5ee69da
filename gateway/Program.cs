using Bff;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.AddBff();

var app = builder.Build();
app.UseBff();
app.MapBff();
app.Run();

/// <summary>Entry point; public so tests can host it.</summary>
public partial class Program;
