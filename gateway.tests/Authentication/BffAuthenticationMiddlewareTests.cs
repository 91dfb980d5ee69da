using Bff.Authentication;
using Bff.Configuration;
using Bff.Sessions;
using Bff.Tests.Support;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Authentication;

public sealed class BffAuthenticationMiddlewareTests : IDisposable
{
    private const string ProbeScheme = "probe";

    private readonly TestDataProtection _keyRing = TestDataProtection.InMemory();
    private readonly ServiceProvider _services;
    private readonly InMemorySessionStore _store;
    private readonly SessionCookie _cookie;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private bool _nextCalled;

    public BffAuthenticationMiddlewareTests()
    {
        var options = Options.Create(new BffOptions());
        _store = new InMemorySessionStore(options, _time);
        _cookie = _keyRing.Cookie(options.Value);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ProbeCounter>();
        services.AddSingleton(new SessionAuthenticator(_store, _cookie, TestSessionTerminator.Create(_store, _time), options, _time));
        // Stands in for the OIDC handler: a scheme that handles requests of its own and counts its instances.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ProbeHandler>(ProbeScheme, _ => { });
        services.Configure<OpenIdConnectOptions>(BffSessionDefaults.OidcScheme, o =>
        {
            o.CallbackPath = OidcOptionsSetup.CallbackPath;
            o.SignedOutCallbackPath = OidcOptionsSetup.SignedOutCallbackPath;
            o.RemoteSignOutPath = default;
        });
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _keyRing.Dispose();
    }

    [Fact]
    public async Task ApiRequestWithSession_NoRemoteHandlerCreated_UserAndResultRecorded()
    {
        var cookie = await CreateSessionAsync();
        var context = NewContext("/api/notes", cookie);

        await CreateMiddleware().InvokeAsync(context);

        Assert.True(_nextCalled);
        Assert.Equal(0, _services.GetRequiredService<ProbeCounter>().Created);
        Assert.Equal("alice", context.User.FindFirst("sub")!.Value);
        Assert.True(context.Features.Get<IAuthenticateResultFeature>()!.AuthenticateResult!.Succeeded);
        Assert.Same(context.User, context.Features.Get<IHttpAuthenticationFeature>()!.User);
        Assert.NotNull(context.Features.Get<BffSessionFeature>());
    }

    [Fact]
    public async Task ASessionReadInFront_IsNotReadAgain()
    {
        // The CSRF check of an unsafe method reads the session before this middleware runs.
        var cookie = await CreateSessionAsync();
        var context = NewContext("/api/notes", cookie);
        await _services.GetRequiredService<SessionAuthenticator>().AuthenticateOnceAsync(context);
        var read = context.Features.Get<BffSessionFeature>();
        var recorded = context.Features.Get<IAuthenticateResultFeature>();

        await CreateMiddleware().InvokeAsync(context);

        Assert.True(_nextCalled);
        Assert.Same(read, context.Features.Get<BffSessionFeature>());
        Assert.Same(recorded, context.Features.Get<IAuthenticateResultFeature>());
    }

    [Fact]
    public async Task RequestWithoutEndpoint_SessionNotRead_NextCalled()
    {
        // A static file or a 404: served without the session, so even a store outage cannot fail it.
        var cookie = await CreateSessionAsync();
        var context = NewContext("/index.html", cookie, routed: false);

        await CreateMiddleware().InvokeAsync(context);

        Assert.True(_nextCalled);
        Assert.Null(context.Features.Get<BffSessionFeature>());
        Assert.Null(context.Features.Get<IAuthenticateResultFeature>());
    }

    [Fact]
    public async Task RequestWithoutSession_NoResultRecorded_NextCalled()
    {
        var context = NewContext("/api/notes", cookie: null);

        await CreateMiddleware().InvokeAsync(context);

        Assert.True(_nextCalled);
        Assert.Null(context.Features.Get<IAuthenticateResultFeature>());
        Assert.False(context.User.Identity?.IsAuthenticated ?? false);
    }

    [Theory]
    [InlineData(OidcOptionsSetup.CallbackPath)]
    [InlineData(OidcOptionsSetup.SignedOutCallbackPath)]
    [InlineData("/SIGNIN-OIDC")]
    public async Task OidcPaths_GoThroughTheFrameworkRequestHandlers(string path)
    {
        var context = NewContext(path, cookie: null);

        await CreateMiddleware().InvokeAsync(context);

        Assert.Equal(1, _services.GetRequiredService<ProbeCounter>().Handled);
        // The probe handled the request, as the OIDC handler completes its callback: nothing else runs.
        Assert.False(_nextCalled);
    }

    private BffAuthenticationMiddleware CreateMiddleware() => new(
        _ =>
        {
            _nextCalled = true;
            return Task.CompletedTask;
        },
        _services.GetRequiredService<IAuthenticationSchemeProvider>(),
        _services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>(),
        _services.GetRequiredService<SessionAuthenticator>());

    /// <param name="routed">Whether routing matched an endpoint, as it does for every API call.</param>
    private DefaultHttpContext NewContext(string path, string? cookie, bool routed = true)
    {
        var context = new DefaultHttpContext { RequestServices = _services.CreateScope().ServiceProvider };
        context.Request.Path = path;
        if (routed)
        {
            context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, EndpointMetadataCollection.Empty, "api"));
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{_cookie.Name}={cookie}";
        }

        return context;
    }

    private async Task<string> CreateSessionAsync()
    {
        var (session, secret) = TestSessions.NewWithSecret("alice", _time.GetUtcNow());
        await _store.CreateAsync(session, default);
        return _cookie.Protect(secret);
    }

    private sealed class ProbeCounter
    {
        public int Created;
        public int Handled;
    }

    private sealed class ProbeHandler : AuthenticationHandler<AuthenticationSchemeOptions>, IAuthenticationRequestHandler
    {
        private readonly ProbeCounter _counter;

        public ProbeHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ProbeCounter counter)
            : base(options, logger, encoder)
        {
            _counter = counter;
            Interlocked.Increment(ref counter.Created);
        }

        public Task<bool> HandleRequestAsync()
        {
            Interlocked.Increment(ref _counter.Handled);
            return Task.FromResult(true);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
