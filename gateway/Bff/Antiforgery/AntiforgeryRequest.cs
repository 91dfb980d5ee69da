using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// The request the gateway's own call into Microsoft.AspNetCore.Antiforgery is made for, so that
/// <see cref="FrontendAntiforgeryCookieBuilder"/> can name the request's frontend's cookie: antiforgery reads the
/// cookie's name from its options and never passes the request along. Set only around those calls (<see cref="Enter"/>),
/// not per request as <c>IHttpContextAccessor</c> would be: registering that accessor makes the host allocate a new
/// <c>HttpContext</c> for every request and carry it in the execution context, a cost every request of the host pays,
/// and one the host, not the library, chooses.
/// </summary>
internal static class AntiforgeryRequest
{
    private static readonly AsyncLocal<HttpContext?> CurrentRequest = new();

    /// <summary>The request inside a scope of <see cref="Enter"/>; null anywhere else.</summary>
    public static HttpContext? Current => CurrentRequest.Value;

    /// <summary>Makes <paramref name="context"/> the current request until the scope is disposed.</summary>
    public static Scope Enter(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = CurrentRequest.Value;
        CurrentRequest.Value = context;
        return new Scope(previous);
    }

    /// <summary>Restores the request that was current before, so scopes nest.</summary>
    public readonly struct Scope(HttpContext? previous) : IDisposable
    {
        public void Dispose() => CurrentRequest.Value = previous;
    }
}
