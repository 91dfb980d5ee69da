// Bare YARP: the same route as the gateway's benchmark configuration, from the same environment
// variables (ReverseProxy__...), plus the one thing the upstream demands, a static bearer token.
// No logging, no middleware: the ceiling for any gateway built on YARP.
using Yarp.ReverseProxy.Transforms;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddTransforms(context => context.AddRequestHeader("Authorization", "Bearer x", append: false));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
