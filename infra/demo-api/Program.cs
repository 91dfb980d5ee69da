using DemoApi;
using Microsoft.AspNetCore.Authentication.JwtBearer;

var builder = WebApplication.CreateBuilder(args);

var authority = builder.Configuration["DemoApi:Authority"] ?? "http://127.0.0.1:5010";
var audience = builder.Configuration["DemoApi:Audience"] ?? "https://api.bff.example";

builder.Services
    .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddJwtBearer(options =>
    {
        options.Authority = authority;
        options.Audience = audience;
        // The dev IdP only speaks plain http on loopback.
        options.RequireHttpsMetadata = false;
        // Keep JWT claim names (sub, client_id, scope) as the IdP wrote them.
        options.MapInboundClaims = false;
        // Small enough that an expired token really gets 401 in tests that wait it out.
        options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(5);
        // Lets the shared metadata cache catch up soon after an IdP restart (default: 5 minutes).
        options.RefreshInterval = TimeSpan.FromSeconds(1);
        options.Events = new JwtBearerEvents { OnAuthenticationFailed = SigningKeyRollover.RetryWithFreshKeys };
    });
builder.Services.AddAuthorization();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/api/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous();

app.MapGet("/api/me", (HttpContext context) =>
{
    var user = context.User;
    var sub = user.FindFirst("sub")?.Value ?? "";
    // Deliberately bad upstream manners: the gateway must drop upstream cookies and replace
    // caching headers with no-store, and the demo makes that visible.
    context.Response.Headers.SetCookie = "demo=1; Path=/";
    context.Response.Headers.CacheControl = "public, max-age=60";
    return Results.Ok(new
    {
        sub,
        clientId = user.FindFirst("client_id")?.Value,
        scope = user.FindFirst("scope")?.Value,
        notes = Notes.For(sub),
    });
}).RequireAuthorization();

app.MapGet("/api/notes", (HttpContext context) =>
    Results.Ok(Notes.For(context.User.FindFirst("sub")?.Value ?? ""))).RequireAuthorization();

app.Run();
