using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// How often the token check decrypts: once per loaded session for the pair a SPA sends on every unsafe
/// request, and again for any other pair. (What passes and what is refused is in the matrix and the host tests.)
/// </summary>
public sealed class CsrfMiddlewareTests
{
    private const string CookieName = "__Host-bff-af";
    private readonly CountingAntiforgery _antiforgery = new();
    private readonly CsrfMiddleware _middleware;
    private int _forwarded;

    public CsrfMiddlewareTests()
    {
        var antiforgeryOptions = Options.Create(new AntiforgeryOptions { Cookie = { Name = CookieName } });
        _middleware = new CsrfMiddleware(_ => { _forwarded++; return Task.CompletedTask; }, _antiforgery, antiforgeryOptions,
            new ValidatedTokenMemo(), Options.Create(new BffOptions { PublicOrigin = "https://app.example" }),
            new BffMetrics(new TestMeterFactory()), NullLogger<CsrfMiddleware>.Instance);
    }

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

    private static DefaultHttpContext Post(Bff.Sessions.BffSession session, string cookieToken, string requestToken)
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
        context.Features.Set(new BffSessionFeature(session));
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
