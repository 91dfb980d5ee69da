using Microsoft.AspNetCore.Builder;

namespace Bff.RateLimiting;

/// <summary>
/// Endpoint metadata that takes an endpoint out of the per-session limit: into the per-address limit of login
/// starts, or out of every limit. Endpoints without it are judged by the per-session rule alone.
/// </summary>
internal sealed class RateLimitMetadata
{
    /// <summary>A login start (<c>/bff/login</c>, a silent login): counted per client address, never per session.</summary>
    public static readonly RateLimitMetadata LoginStart = new();

    /// <summary>Never limited: ending a session must work even for a session over its limit.</summary>
    public static readonly RateLimitMetadata Exempt = new();

    private RateLimitMetadata()
    {
    }
}

/// <summary>Marks endpoints for <see cref="RateLimitMiddleware"/>.</summary>
internal static class RateLimitEndpointConventionBuilderExtensions
{
    /// <summary>Counts the endpoint against <c>Bff:RateLimit:PerAddress:LoginsPerMinute</c>.</summary>
    public static TBuilder LimitedAsLoginStart<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RateLimitMetadata.LoginStart);

    /// <summary>Leaves the endpoint out of every rate limit.</summary>
    public static TBuilder ExemptFromRateLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RateLimitMetadata.Exempt);
}
