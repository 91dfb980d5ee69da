using Bff.Routes;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Authentication;

/// <summary>
/// Makes the authorization request name every API (RFC 8707 <c>resource</c>) and scope that the routes ask tokens
/// for, so that the refresh grant may later ask for each: an IdP issues a token for a resource only when the grant
/// has it. The routes are read at each login, so a configuration reload counts from the next login on.
/// </summary>
/// <remarks>
/// RFC 8707 names several resources with several <c>resource</c> parameters, which the OIDC handler's message (one
/// value per name) cannot hold: they are added to the pushed request (PAR), or to the redirect's query when there is
/// no PAR. Scopes are one parameter and go into the message.
/// </remarks>
internal static class RouteResources
{
    private static readonly object ItemKey = new();

    public static void Ask(RedirectContext context, IReadOnlyList<RouteConfig> routes)
    {
        var (resources, scopes) = BffRouteMetadata.UserAudiences(routes);
        if (scopes.Count > 0)
        {
            var asked = (context.ProtocolMessage.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            context.ProtocolMessage.Scope = string.Join(' ', asked.Union(scopes, StringComparer.Ordinal));
        }

        if (resources.Count == 0)
        {
            return;
        }

        context.HttpContext.Items[ItemKey] = resources;
        var response = context.Response;
        response.OnStarting(() =>
        {
            // With PAR the redirect carries only client_id and request_uri; the resources went into the pushed request.
            var location = response.Headers.Location.ToString();
            if (response.StatusCode is >= 300 and < 400 && location.Length > 0 && !location.Contains("request_uri=", StringComparison.Ordinal))
            {
                response.Headers.Location = location + (location.Contains('?', StringComparison.Ordinal) ? "&" : "?")
                    + string.Join('&', resources.Select(r => "resource=" + Uri.EscapeDataString(r)));
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The resources this login asks for (for the pushed request).</summary>
    public static IReadOnlyList<string> Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is IReadOnlyList<string> resources ? resources : [];
}
