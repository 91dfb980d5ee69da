using Bff.Frontends;
using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// The antiforgery cookie of the request's frontend (<see cref="BffFrontend.AntiforgeryCookieName"/>): frontends
/// that share an origin through a <c>PathBase</c> share every <c>Path=/</c> cookie, so each needs a name of its own.
/// Microsoft.AspNetCore.Antiforgery reads the name from its options wherever it reads, writes or names the cookie,
/// and gives the builder no request: the name is taken from the current one. Outside a request (while options are
/// set up) it is the default frontend's, the name this builder was given.
/// </summary>
internal sealed class FrontendAntiforgeryCookieBuilder(IHttpContextAccessor requests) : AlwaysSecureCookieBuilder
{
    public override string? Name
    {
        get => requests.HttpContext?.GetBffFrontend() is { IsDefault: false } frontend ? frontend.AntiforgeryCookieName : base.Name;
        set => base.Name = value;
    }
}
