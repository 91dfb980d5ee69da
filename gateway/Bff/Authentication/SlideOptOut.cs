using Microsoft.AspNetCore.Http;

namespace Bff.Authentication;

/// <summary>
/// Endpoint metadata: a caller may ask with <c>?slide=false</c> that reading the session does not slide its idle
/// deadline. Only on endpoints that report the session (<c>/bff/user</c>), so that a page polling for its expiry
/// does not keep an idle session alive; never on a proxied route, whose query belongs to the upstream.
/// </summary>
internal sealed class SlideOptOut
{
    public static readonly SlideOptOut Instance = new();

    private SlideOptOut()
    {
    }

    public static bool IsRequested(HttpContext context) =>
        context.Request.Query.TryGetValue("slide", out var slide)
        && slide.Count == 1
        && string.Equals(slide[0], "false", StringComparison.Ordinal)
        && context.GetEndpoint()?.Metadata.GetMetadata<SlideOptOut>() is not null;
}
