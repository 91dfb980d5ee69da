using Bff.Frontends;
using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// The antiforgery cookie of the request's frontend (<see cref="BffFrontend.AntiforgeryCookieName"/>): frontends
/// that share an origin through a <c>PathBase</c> share every <c>Path=/</c> cookie, so each needs a name of its own.
/// Microsoft.AspNetCore.Antiforgery reads the name from its options wherever it reads, writes or names the cookie,
/// and gives the builder no request: the name is taken from the one the gateway called antiforgery for
/// (<see cref="AntiforgeryRequest"/>). Outside such a call (while options are set up, or in a host's own use of
/// antiforgery) it is the default frontend's, the name this builder was given.
/// </summary>
internal sealed class FrontendAntiforgeryCookieBuilder : AlwaysSecureCookieBuilder
{
    public override string? Name
    {
        get => NameFor(AntiforgeryRequest.Current?.GetBffFrontend());
        set => base.Name = value;
    }

    /// <summary>
    /// The name antiforgery reads the cookie under for a request of <paramref name="frontend"/>, whatever the
    /// builder of <paramref name="cookie"/> (a host may have replaced the gateway's).
    /// </summary>
    public static string? NameOf(CookieBuilder cookie, BffFrontend? frontend) =>
        cookie is FrontendAntiforgeryCookieBuilder builder ? builder.NameFor(frontend) : cookie.Name;

    private string? NameFor(BffFrontend? frontend) => frontend is { IsDefault: false } ? frontend.AntiforgeryCookieName : base.Name;
}
