using Bff.Authentication;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/silent-login</c>, loaded in a hidden iframe by <c>bff.silentLogin()</c>: a login with
/// <c>prompt=none</c> that ends on the <see cref="SilentLoginPage"/> (signed in or not) instead of a redirect.
/// </summary>
internal static partial class SilentLoginEndpoint
{
    public const string Path = "/bff/silent-login";

    public static async Task HandleAsync(HttpContext context, IOptions<BffOptions> options, ILoggerFactory loggerFactory)
    {
        try
        {
            await context.ChallengeAsync(context.GetBffFrontend()?.OidcScheme ?? BffSessionDefaults.OidcScheme, LoginPrompt.Properties("/", LoginPrompt.None, silent: true));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The parent page waits for an answer: an IdP it cannot reach means nobody can be signed in silently.
            LogSilentLoginIdpFailed(loggerFactory.CreateLogger("Bff.Endpoints.SilentLogin"), ex.GetType().Name);
            await SilentLoginPage.WriteAsync(context, context.GetBffFrontend()?.Origin ?? options.Value.PublicOrigin, isLoggedIn: false);
        }
    }

    [LoggerMessage(EventId = BffEventIds.LoginIdpUnavailable, Level = LogLevel.Warning, Message = "Silent login could not start at the IdP: {Reason}")]
    private static partial void LogSilentLoginIdpFailed(ILogger logger, string reason);
}
