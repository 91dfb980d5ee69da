// Bare YARP: the same route as the gateway's benchmark configuration, from the same environment
// variables (ReverseProxy__...), plus the one thing the upstream demands, a bearer token.
// No logging, no middleware: the ceiling for any gateway built on YARP.
//   BENCH_BEARER          the token it sends (default "x"); the bench's "same bytes" instance gets the
//                         session's real access token, so the upstream request is as large as the gateway's
//   BENCH_REMOVE_HEADERS  request headers it drops, comma-separated (that instance: Cookie,X-CSRF, as the
//                         gateway does), so the browser's cookie does not travel on to the upstream
using Yarp.ReverseProxy.Transforms;

var bearer = "Bearer " + (Environment.GetEnvironmentVariable("BENCH_BEARER") is { Length: > 0 } token ? token : "x");
var remove = (Environment.GetEnvironmentVariable("BENCH_REMOVE_HEADERS") ?? "")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddTransforms(context =>
    {
        foreach (var name in remove)
        {
            context.AddRequestHeaderRemove(name);
        }

        context.AddRequestHeader("Authorization", bearer, append: false);
    });

var app = builder.Build();
app.MapReverseProxy();
app.Run();
