using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// How often the token check decrypts: once per loaded session for the pair a SPA sends on every unsafe
/// request, and again for any other pair. (What passes and what is refused is in the matrix and the host tests.)
/// </summary>
public sealed class CsrfMiddlewareTests : IDisposable
{
    // Not the gateway's default: a remembered pair is the cookie under the name antiforgery reads, whatever that is.
    private const string CookieName = "__Host-host-af";
    private readonly CountingAntiforgery _antiforgery = new();
    private readonly TestDataProtection _keyRing = TestDataProtection.InMemory();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemorySessionStore _store;
    private readonly SessionCookie _sessionCookie;
    private readonly CsrfMiddleware _middleware;
    private int _forwarded;

    public CsrfMiddlewareTests()
    {
        var options = Options.Create(new BffOptions { PublicOrigin = "https://app.example" });
        _store = new InMemorySessionStore(options, _time);
        _sessionCookie = _keyRing.Cookie(options.Value);
        var authenticator = new SessionAuthenticator(_store, _sessionCookie, TestSessionTerminator.Create(_store, _time), options, _time);
        var antiforgeryOptions = Options.Create(new AntiforgeryOptions { Cookie = { Name = CookieName } });
        _middleware = new CsrfMiddleware(_ => { _forwarded++; return Task.CompletedTask; }, _antiforgery, antiforgeryOptions,
            new ValidatedTokenMemo(), authenticator, options, new BffMetrics(new TestMeterFactory()), NullLogger<CsrfMiddleware>.Instance,
            new FrontendCatalog(options));
    }

    public void Dispose() => _keyRing.Dispose();

    [Fact]
    public async Task SamePairOfTheSameSession_IsDecryptedOnce()
    {
        var session = TestSessions.New();

        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));
        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));
        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));

        Assert.Equal(1, _antiforgery.Validations);
        Assert.Equal(3, _forwarded);
    }

    [Fact]
    public async Task ARememberedPair_PassesWithoutAskingTheRequestServices()
    {
        // In a host, asking them creates a service scope that the request's end disposes: a cost on every unsafe call.
        var session = TestSessions.New();
        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));
        var again = Post(session, "cookie-token", "request-token");
        var services = new CountingRequestServices();
        again.Features.Set<IServiceProvidersFeature>(services);

        await _middleware.InvokeAsync(again);

        Assert.Equal(1, _antiforgery.Validations);
        Assert.Equal(2, _forwarded);
        Assert.Equal(0, services.Asked);
    }

    [Fact]
    public async Task AnotherRequestToken_AnotherCookieToken_OrTheSessionLoadedAgain_AreDecryptedAgain()
    {
        var session = TestSessions.New();
        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));

        await _middleware.InvokeAsync(Post(session, "cookie-token", "other-request-token"));
        await _middleware.InvokeAsync(Post(session, "other-cookie-token", "request-token"));
        await _middleware.InvokeAsync(Post(session with { }, "cookie-token", "request-token"));

        Assert.Equal(4, _antiforgery.Validations);
    }

    [Fact]
    public async Task ARefusedPair_IsNeverRemembered()
    {
        var session = TestSessions.New();
        _antiforgery.Refuse = true;
        var first = Post(session, "cookie-token", "forged-token");
        await _middleware.InvokeAsync(first);

        var second = Post(session, "cookie-token", "forged-token");
        await _middleware.InvokeAsync(second);

        Assert.Equal(2, _antiforgery.Validations);
        Assert.Equal(StatusCodes.Status403Forbidden, second.Response.StatusCode);
        Assert.Equal(0, _forwarded);
    }

    [Fact]
    public async Task ASessionNotReadYet_IsReadOnceAndRecordedForAuthentication()
    {
        // The check runs in front of authentication: what it reads, authentication and the session scheme find
        // recorded (the framework's scheme is not asked: this request has no services to create its handler).
        var (stored, secret) = TestSessions.NewWithSecret("alice", _time.GetUtcNow());
        await _store.CreateAsync(stored, default);
        var context = Post(session: null, "cookie-token", "request-token");
        context.Request.Headers.Cookie = $"{_sessionCookie.Name}={_sessionCookie.Protect(secret)}; {CookieName}=cookie-token";

        await _middleware.InvokeAsync(context);

        Assert.Equal(1, _forwarded);
        Assert.Equal(1, _antiforgery.Validations);
        Assert.Equal(stored.Id, context.Features.Get<BffSessionFeature>()!.Session.Id);
        Assert.True(context.Features.Get<IAuthenticateResultFeature>()!.AuthenticateResult!.Succeeded);
        Assert.Equal("alice", context.User.FindFirst("sub")!.Value);
    }

    [Fact]
    public async Task TheCookieTokenIsReadUnderItsExactName()
    {
        // The pair passed once is remembered as sent; a copy under another case is not that cookie.
        var session = TestSessions.New();
        await _middleware.InvokeAsync(Post(session, "cookie-token", "request-token"));
        var otherCase = Post(session, "cookie-token", "request-token");
        otherCase.Request.Headers.Cookie = "__HOST-bff-af=cookie-token";

        await _middleware.InvokeAsync(otherCase);

        Assert.Equal(2, _antiforgery.Validations);
    }

    private static DefaultHttpContext Post(BffSession? session, string cookieToken, string requestToken)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("app.example");
        context.Request.Headers.Origin = "https://app.example";
        context.Request.Headers["Sec-Fetch-Site"] = "same-origin";
        context.Request.Headers[CsrfMiddleware.HeaderName] = "1";
        context.Request.Headers["X-XSRF-TOKEN"] = requestToken;
        context.Request.Headers.Cookie = $"{CookieName}={cookieToken}";
        context.Response.Body = new MemoryStream();
        if (session is not null)
        {
            context.Features.Set(new BffSessionFeature(session));
        }

        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(CsrfProtected.Instance), "api"));
        return context;
    }

    private sealed class CountingAntiforgery : IAntiforgery
    {
        public int Validations { get; private set; }

        public bool Refuse { get; set; }

        public Task ValidateRequestAsync(HttpContext httpContext)
        {
            Validations++;
            return Refuse ? Task.FromException(new AntiforgeryValidationException("refused")) : Task.CompletedTask;
        }

        public Task<bool> IsRequestValidAsync(HttpContext httpContext) => throw new NotSupportedException();

        public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) => throw new NotSupportedException();

        public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => throw new NotSupportedException();

        public void SetCookieTokenAndHeader(HttpContext httpContext) => throw new NotSupportedException();
    }
}
