using Bff.Configuration;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Support;

/// <summary>
/// The gateway in-process against a <see cref="FakeOidcProvider"/>, with the in-memory store or the shared
/// Redis, and optionally a fake clock. Sessions can be seeded straight into the store (as the sign-in
/// handler would make them) and used through in-process <see cref="TestBrowser"/>s.
/// </summary>
internal sealed class OidcGatewayHost : IAsyncDisposable
{
    // On Kestrel, the address browsers go to; null on the test server.
    private readonly Uri? _kestrelAddress;

    private OidcGatewayHost(GatewayFactory factory, FakeOidcProvider idp, TimeProvider time, Uri? kestrelAddress)
    {
        Factory = factory;
        Idp = idp;
        Time = time;
        _kestrelAddress = kestrelAddress;
    }

    public GatewayFactory Factory { get; }

    public FakeOidcProvider Idp { get; }

    public TimeProvider Time { get; }

    public IServiceProvider Services => Factory.Services;

    public ISessionStore Store => Services.GetRequiredService<ISessionStore>();

    public static async Task<OidcGatewayHost> StartAsync(
        FakeOidcProvider idp,
        bool redis = false,
        FakeTimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool kestrel = false,
        CapturingLoggerProvider? logs = null)
    {
        var all = GatewayFactory.BaseSettings();
        all["Bff:Authority"] = idp.Issuer;
        if (redis)
        {
            all["ConnectionStrings:Redis"] = (await SharedServers.GetRedisAsync()).ConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new GatewayFactory(all, configureServices: services =>
        {
            if (time is not null)
            {
                services.AddSingleton<TimeProvider>(time);
            }

            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }
        });
        if (!kestrel)
        {
            _ = factory.Server;
            return new OidcGatewayHost(factory, idp, time ?? TimeProvider.System, null);
        }

        // A real server, for what the test server does not check: Kestrel refuses to write invalid header values.
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new OidcGatewayHost(factory, idp, time ?? TimeProvider.System, new Uri(address + "/"));
    }

    /// <summary>A browser talking to this host (through the test server or Kestrel, cookies through a jar on this host's clock).</summary>
    public TestBrowser CreateBrowser() => _kestrelAddress is { } address
        ? new(address, new CookieJar(Time))
        : new(new Uri("http://localhost/"), new CookieJar(Time), () => Factory.Server.CreateHandler());

    /// <summary>A session made the way the sign-in handler makes one (<see cref="TestSessions"/>), and a browser holding its cookie.</summary>
    public async Task<(BffSession Session, TestBrowser Browser)> SeedSessionAsync(
        string subject,
        string? idpSessionId = null,
        string? refreshToken = null,
        string? userAgent = null)
    {
        var lifetime = Services.GetRequiredService<IOptions<BffOptions>>().Value.Session.AbsoluteLifetime;
        var seeded = await TestSessions.SeedAsync(Services, subject, session => session with
        {
            IdpSessionId = idpSessionId,
            Tokens = session.Tokens with { RefreshToken = refreshToken ?? session.Tokens.RefreshToken },
            AbsoluteExpiresAt = session.CreatedAt + lifetime,
            UserAgent = userAgent,
            IpAddress = "192.0.2.1",
        });
        var browser = CreateBrowser();
        var cookie = seeded.Cookie.Split('=', 2);
        browser.Cookies.Set(cookie[0], cookie[1]);
        return (seeded.Session, browser);
    }

    /// <summary>
    /// A whole login through the fake IdP, as the browser would make it: /bff/login, then the callback with the
    /// state and a code, which the gateway redeems at the fake token endpoint for an ID token carrying the nonce.
    /// <paramref name="callbackHeaders"/> go with the callback only (the Fetch Metadata of a navigation from the IdP, say).
    /// </summary>
    /// <remarks><paramref name="changeState"/> edits what the state carries, as only a state made by other code could.</remarks>
    public async Task<HttpResponseMessage> LoginAsync(
        TestBrowser browser,
        string subject,
        string sid,
        long? refreshExpiresIn = null,
        string returnUrl = "/",
        Action<AuthenticationProperties>? changeState = null,
        IEnumerable<KeyValuePair<string, string>>? callbackHeaders = null)
    {
        Func<string, string>? editState = null;
        if (changeState is not null)
        {
            var format = Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(BffSessionDefaults.OidcScheme).StateDataFormat;
            editState = state =>
            {
                var properties = format.Unprotect(state)!;
                changeState(properties);
                return format.Protect(properties);
            };
        }

        return await Idp.LoginAsync(browser, subject, sid, refreshExpiresIn, returnUrl, editState, callbackHeaders);
    }

    /// <summary>Whether the store still has the session (read past any cache).</summary>
    public async Task<bool> IsAliveAsync(string id) => await Store.GetFreshAsync(id, default) is not null;

    /// <summary>On a fake clock the IdP client's pipeline waits out calls still in flight on that clock: time is moved until it is done.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Time is Microsoft.Extensions.Time.Testing.FakeTimeProvider fake)
        {
            await fake.DriveDisposalAsync(() => Factory.DisposeAsync());
            return;
        }

        await Factory.DisposeAsync();
    }

    /// <summary>
    /// The headers an unsafe /bff call needs: <c>X-CSRF: 1</c>, and the session's <c>X-XSRF-TOKEN</c> from
    /// <c>GET /bff/csrf</c> (which also sets the antiforgery cookie in the browser's jar). Without a session
    /// there is no token to get, and none is needed.
    /// </summary>
    public static async Task<KeyValuePair<string, string>[]> UnsafeHeadersAsync(TestBrowser browser)
    {
        KeyValuePair<string, string> csrf = new("X-CSRF", "1");
        using var response = await browser.GetAsync("/bff/csrf", [csrf]);
        if (!response.IsSuccessStatusCode)
        {
            return [csrf];
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [csrf, new(body.RootElement.GetProperty("headerName").GetString()!, body.RootElement.GetProperty("token").GetString()!)];
    }

    public static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
