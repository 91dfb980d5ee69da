using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Authentication;

/// <summary>
/// How the callback ends a login that asked for no interaction. A silent login (the iframe) always ends on the
/// <see cref="SilentLoginPage"/>, whatever happened, since its parent waits for that answer. A top-level
/// <c>prompt=none</c> login that the IdP refuses because the user would have to act goes back to its
/// <c>returnUrl</c> with <c>#bff-login-error=&lt;code&gt;</c>: no session, no error page, and nothing that starts
/// another login by itself.
/// </summary>
internal static partial class PromptNoneCallback
{
    public const string ErrorFragment = "#bff-login-error=";

    /// <summary>A failed callback; true when it was answered here.</summary>
    public static async Task<bool> TryHandleFailureAsync(HttpContext context, AuthenticationProperties? properties, Exception? failure, string? configuredOrigin, ILogger logger)
    {
        var error = ErrorOf(failure);
        if (LoginPrompt.IsSilent(properties))
        {
            LogPromptNoneRefused(logger, "silent", LoginPrompt.IsInteractionError(error) ? error! : failure?.GetType().Name ?? "unknown");
            await SilentLoginPage.WriteAsync(context, configuredOrigin, isLoggedIn: false);
            return true;
        }

        if (!LoginPrompt.IsPromptNone(properties) || !LoginPrompt.IsInteractionError(error))
        {
            return false;
        }

        LogPromptNoneRefused(logger, "prompt=none", error!);
        // The state carried an already validated local path; a fragment of its own gives way to the error's.
        var target = properties!.RedirectUri ?? "/";
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        context.Response.Redirect((hash < 0 ? target : target[..hash]) + ErrorFragment + error);
        return true;
    }

    /// <summary>
    /// A successful silent login: signs in as the handler would, then answers the page instead of redirecting,
    /// so the outcome reaches the parent in this response, without another request inside the iframe.
    /// </summary>
    public static async Task<bool> TryHandleTicketAsync(TicketReceivedContext context, string? configuredOrigin)
    {
        if (!LoginPrompt.IsSilent(context.Properties) || context.Principal is null)
        {
            return false;
        }

        await context.HttpContext.SignInAsync(context.Options.SignInScheme, context.Principal, context.Properties);
        await SilentLoginPage.WriteAsync(context.HttpContext, configuredOrigin, isLoggedIn: true);
        context.HandleResponse();
        return true;
    }

    // The handler puts the IdP's error code in the exception's data; the code is from a fixed vocabulary, but only
    // the allow-listed ones ever reach a URL.
    private static string? ErrorOf(Exception? failure) =>
        failure is OpenIdConnectProtocolException { Data: var data } && data["error"] is string error ? error : null;

    [LoggerMessage(EventId = BffEventIds.LoginPromptNoneRefused, Level = LogLevel.Information, Message = "A login without interaction ({Kind}) made no session: {Error}")]
    private static partial void LogPromptNoneRefused(ILogger logger, string kind, string error);
}
