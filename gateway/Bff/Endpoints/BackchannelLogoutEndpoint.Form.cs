using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Bff.Endpoints;

/// <summary>The request the IdP sends: a small form with exactly one <c>logout_token</c>.</summary>
internal static partial class BackchannelLogoutEndpoint
{
    // A logout token is a few kilobytes; anything this large is not one.
    private const long MaxBodyBytes = 64 * 1024;

    private static async Task<string?> ReadLogoutTokenAsync(HttpContext context)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }

        var values = form["logout_token"];
        return values.Count == 1 && values[0] is { Length: > 0 } token ? token : null;
    }
}
