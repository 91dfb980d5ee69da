using Bff.Authentication;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Problems;
using Bff.Routes;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace Bff.Antiforgery;

/// <summary>
/// The CSRF checks of a protected endpoint (a /bff JSON API or a proxied route), cheapest first:
/// <list type="number">
/// <item><description>the browser context (<see cref="BrowserContextCheck"/>);</description></item>
/// <item><description><c>X-CSRF: 1</c>: a cross-site form or image cannot set a custom header, and a
/// cross-site fetch that sets one needs a CORS preflight this gateway never grants;</description></item>
/// <item><description>on unsafe methods of a request that has a session, an antiforgery token bound to that
/// session (<see cref="SessionAntiforgeryDataProvider"/>).</description></item>
/// </list>
/// A request without a session carries no authority a forger could borrow, so it skips the token and is
/// left to the endpoint: 401 where a user is needed (a client whose session ended learns it must sign in
/// again), an anonymous call where the route allows one.
/// </summary>
internal sealed partial class CsrfMiddleware(
    RequestDelegate next,
    IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions,
    ValidatedTokenMemo validated,
    SessionAuthenticator authenticator,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    ILogger<CsrfMiddleware> logger,
    FrontendCatalog frontends,
    ISecurityObserver? security = null)
{
    public const string HeaderName = BffHeaders.CsrfHeaderName;

    // A real token is a few hundred characters; anything far longer is not worth decrypting.
    private const int MaxTokenLength = 2048;

    private readonly BrowserContextCheck _browserContext = new(options.Value.PublicOrigin);

    // Each named frontend's origin, parsed once; the default frontend's is the check's own.
    private readonly Dictionary<string, Uri> _frontendOrigins = frontends.HasNamed
        ? frontends.All.Where(f => !f.IsDefault).ToDictionary(f => f.Name, f => new Uri(f.Origin!, UriKind.Absolute), StringComparer.Ordinal)
        : [];

    public Task InvokeAsync(HttpContext context)
    {
        var requirement = RequirementOf(context.GetEndpoint());
        if (requirement == CsrfRequirement.None)
        {
            return next(context);
        }

        var refusal = _frontendOrigins.Count > 0 && frontends.Of(context) is { IsDefault: false } frontend
            ? BrowserContextCheck.Check(context.Request, _frontendOrigins[frontend.Name])
            : _browserContext.Check(context.Request);
        if (refusal is null && requirement == CsrfRequirement.Full)
        {
            if (!HasCsrfHeader(context.Request))
            {
                refusal = "missing_header";
            }
            else if (!IsSafe(context.Request.Method))
            {
                return CheckTokenThenInvokeAsync(context);
            }
        }

        // Safe requests (every proxied GET) are decided without awaiting anything.
        return refusal is null ? next(context) : RefuseAsync(context, refusal);
    }

    private async Task CheckTokenThenInvokeAsync(HttpContext context)
    {
        var refusal = await CheckTokenAsync(context);
        await (refusal is null ? next(context) : RefuseAsync(context, refusal));
    }

    private Task RefuseAsync(HttpContext context, string refusal)
    {
        metrics.CsrfRejected(refusal);
        security?.CsrfRejected(context);
        LogRejected(logger, context.Request.Method, context.Request.Path.Value ?? "", refusal);
        return BffProblem.WriteAsync(context, StatusCodes.Status403Forbidden, BffProblem.Csrf, Title(refusal));
    }

    internal static CsrfRequirement RequirementOf(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return CsrfRequirement.None;
        }

        if (endpoint.Metadata.GetMetadata<ICsrfMetadata>() is { } marker)
        {
            return marker.Protected ? CsrfRequirement.Full : CsrfRequirement.None;
        }

        var route = endpoint.Metadata.GetMetadata<RouteModel>();
        if (route is null)
        {
            return CsrfRequirement.None;
        }

        return BffRouteMetadata.RequiresAntiforgery(route.Config) ? CsrfRequirement.Full : CsrfRequirement.BrowserContext;
    }

    internal static bool HasCsrfHeader(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var values) && values.Count == 1 && values[0] == "1";

    internal static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private async Task<string?> CheckTokenAsync(HttpContext context)
    {
        if (await context.GetBffSessionAsync(authenticator) is not { } session)
        {
            return null;
        }

        // Exactly one non-empty header, so antiforgery never falls back to anything else.
        var token = context.Request.Headers[BffHeaders.TokenHeaderName];
        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return "missing_token";
        }

        if (token[0]!.Length > MaxTokenLength)
        {
            return "invalid_token";
        }

        if (RememberedPass(context, session, token[0]!, out var cookieToken))
        {
            return null;
        }

        // Inside antiforgery the cookie's name is the request's frontend's (FrontendAntiforgeryCookieBuilder).
        using var request = AntiforgeryRequest.Enter(context);
        try
        {
            await antiforgery.ValidateRequestAsync(context);
            validated.Remember(session, cookieToken, token[0]!);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            // Its message can quote the user name the token was made for: it is not logged.
            return "invalid_token";
        }
    }

    // The cookie as sent, under its exact name: screening lets no request in with two copies of it in any case, so
    // antiforgery reads this same one, and what it decodes follows from the raw value, so a pair that passed as sent
    // passes again as sent. The cookie token is null when there is no such cookie: nothing to remember then.
    private bool RememberedPass(HttpContext context, BffSession session, string requestToken, out string? cookieToken)
    {
        var name = FrontendAntiforgeryCookieBuilder.NameOf(antiforgeryOptions.Value.Cookie, context.GetBffFrontend(frontends));
        var value = CookieHeader.ValueOf(context.Request.Headers.Cookie, name!);
        if (validated.Matches(session, value, requestToken))
        {
            cookieToken = null;
            return true;
        }

        cookieToken = value.IsEmpty ? null : value.ToString();
        return false;
    }

    private static string Title(string refusal) => refusal switch
    {
        "missing_header" => "The X-CSRF: 1 header is required.",
        "missing_token" => "The X-XSRF-TOKEN header is required; get a token from GET /bff/csrf.",
        "invalid_token" => "The X-XSRF-TOKEN is not valid for this session; get a new one from GET /bff/csrf.",
        _ => "Cross-site requests are not allowed.",
    };

    [LoggerMessage(EventId = BffEventIds.CsrfRejected, Level = LogLevel.Information, Message = "CSRF check refused {Method} {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, string path, string reason);
}
