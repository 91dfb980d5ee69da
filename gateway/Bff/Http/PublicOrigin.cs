using Bff.Configuration;
using Microsoft.AspNetCore.Http;

namespace Bff.Http;

/// <summary>Where the SPA is served from: <c>Bff:PublicOrigin</c>, else the request's own, as the OIDC handler builds its redirect URI.</summary>
internal static class PublicOrigin
{
    public static string Of(HttpContext context, BffOptions options) =>
        options.PublicOrigin is { Length: > 0 } origin
            ? origin.TrimEnd('/')
            : context.Request.Scheme + "://" + context.Request.Host.ToUriComponent() + context.Request.PathBase.ToUriComponent();
}
