using Microsoft.AspNetCore.Builder;

namespace Bff.Antiforgery;

/// <summary>Marks endpoints for the CSRF checks of <see cref="CsrfMiddleware"/>.</summary>
internal static class CsrfEndpointConventionBuilderExtensions
{
    /// <summary>Requires <c>X-CSRF: 1</c>, a same-origin browser context and, on unsafe methods, the session's token.</summary>
    public static TBuilder RequireCsrf<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(CsrfProtected.Instance);
    }

    /// <summary>Exempts an endpoint from every CSRF check, even inside a protected group: see <see cref="CsrfExempt"/>.</summary>
    public static TBuilder ExemptFromCsrf<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(CsrfExempt.Instance);
    }
}
