// A second OpenID Provider for the Bff gateway's tests, built on OpenIddict's server: see docs/dev-idp.md.
// Development only: everything lives in memory and the signing keys are made at each start.
using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddictIdp;
using static OpenIddict.Abstractions.OpenIddictConstants;

IdpSettings settings;
JsonWebKeySet? clientKeys;
try
{
    settings = IdpSettings.Read(Environment.GetEnvironmentVariable);
    clientKeys = ClientRegistration.LoadClientKeys(settings.ClientPublicKeyPath);
}
catch (SettingException e)
{
    Console.Error.WriteLine($"[idp] {e.Message}");
    return 2;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));
builder.Logging.ClearProviders().AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
// OpenIddict logs each request it handles with its secrets and tokens redacted, and why it refuses one.
builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("OpenIddict", LogLevel.Information);

builder.Services.AddSingleton(settings);
// Keys in memory only: nothing is written to ~/.aspnet, and the IdP's cookies die with the process.
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
builder.Services.AddDbContext<DbContext>(db => db.UseInMemoryDatabase("openiddict").UseOpenIddict());
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
{
    // A name of its own: browsers do not separate cookies by port, and the dev IdP may run beside it.
    cookie.Cookie.Name = "oiddict.session";
    cookie.Cookie.SameSite = SameSiteMode.Lax;
    cookie.LoginPath = "/account/login";
    cookie.ReturnUrlParameter = "returnUrl";
});

builder.Services.AddOpenIddict()
    .AddCore(core =>
    {
        // The in-memory provider has no bulk updates; without this, a replayed refresh token would be refused
        // but the tokens of its login (the newer refresh token included) would stay valid.
        core.UseEntityFrameworkCore().UseDbContext<DbContext>().DisableBulkOperations();
        core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, LoopbackApplicationManager>();
    })
    .AddServer(server =>
    {
        server.SetIssuer(settings.Issuer);
        server.SetAuthorizationEndpointUris("connect/authorize")
            .SetTokenEndpointUris("connect/token")
            .SetRevocationEndpointUris("connect/revoke")
            .SetIntrospectionEndpointUris("connect/introspect")
            .SetEndSessionEndpointUris("connect/endsession");
        if (settings.PushedAuthorization != "off")
        {
            server.SetPushedAuthorizationEndpointUris("connect/par");
        }

        if (settings.PushedAuthorization == "required")
        {
            server.RequirePushedAuthorizationRequests();
        }

        server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
        server.RequireProofKeyForCodeExchange();
        // S256 only: nothing here needs the plain method, and the gateway never sends it.
        server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
        server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, "api");
        server.RegisterResources(settings.ApiResource);
        server.SetAccessTokenLifetime(settings.AccessTokenLifetime)
            .SetIdentityTokenLifetime(settings.IdTokenLifetime)
            .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
            .SetRefreshTokenReuseLeeway(settings.RefreshTokenReuseLeeway);
        // Tokens only need to verify while this process lives. Access tokens are signed, not encrypted, JWTs,
        // so an upstream API can validate them against the JWKS.
        server.AddEphemeralSigningKey().AddEphemeralEncryptionKey().DisableAccessTokenEncryption();
        server.UseAspNetCore()
            .EnableAuthorizationEndpointPassthrough()
            .EnableTokenEndpointPassthrough()
            .EnableEndSessionEndpointPassthrough()
            // Plain http on loopback, as the tests and the demo run it.
            .DisableTransportSecurityRequirement();
    });

var app = builder.Build();
await ClientRegistration.RegisterAsync(app.Services, settings, clientKeys, CancellationToken.None);
app.UseAuthentication();
Endpoints.Map(app);
try
{
    await app.StartAsync();
}
catch (IOException e)
{
    // Kestrel's message says "address already in use" when the port is taken, which the test fixture looks for.
    Console.Error.WriteLine($"[idp] {e.Message}");
    return 1;
}

// The first request compiles OpenIddict's whole handler pipeline. It is made here, once, so that "listening"
// means ready: clients that poll a cold server pile their requests onto that compilation.
using (var warmUp = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
{
    using var discovery = await warmUp.GetAsync($"http://127.0.0.1:{settings.Port}/.well-known/openid-configuration");
}

Console.WriteLine($"IdP listening on {settings.Issuer.AbsoluteUri}");
await app.WaitForShutdownAsync();
return 0;
