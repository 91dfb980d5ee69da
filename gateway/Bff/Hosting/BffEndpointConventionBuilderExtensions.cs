using Bff.Antiforgery;
using Bff.Authentication;
using Microsoft.AspNetCore.Builder;

namespace Bff.Hosting;

/// <summary>Puts a host's own endpoints under the gateway's rules.</summary>
public static class BffEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Treats the endpoint (or group) as a local API of the gateway: the CSRF checks of <c>/bff/*</c> and proxied
    /// routes (same-origin browser context, <c>X-CSRF: 1</c>, on unsafe methods the session's antiforgery token),
    /// and a session required unless <paramref name="requireSession"/> is false. Without a session it answers
    /// 401 problem+json, never a redirect. Needs <see cref="BffApplicationBuilderExtensions.UseBff"/>.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="requireSession">False lets anonymous callers in, still under the CSRF checks.</param>
    public static TBuilder AsBffLocalApi<TBuilder>(this TBuilder builder, bool requireSession = true)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.RequireCsrf();
        return requireSession ? builder.WithMetadata(BffSessionRequired.Instance) : builder;
    }
}
