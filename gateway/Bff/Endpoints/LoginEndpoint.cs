using Bff.Authentication;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Problems;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/login?returnUrl=&amp;prompt=</c>: starts authorization code + PKCE at the IdP. With <c>prompt=none</c> a
/// refusal comes back to <c>returnUrl</c> with <c>#bff-login-error=</c> (see <see cref="PromptNoneCallback"/>).
/// </summary>
internal static partial class LoginEndpoint
{
    public static async Task HandleAsync(HttpContext context, ILoggerFactory loggerFactory)
    {
        var returnUrl = context.Request.Query["returnUrl"];
        if (returnUrl.Count > 1 || !ReturnUrl.TryValidate(returnUrl.ToString() is { Length: > 0 } r ? r : null, out var target))
        {
            await BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                "returnUrl must be a local path such as /orders.");
            return;
        }

        var prompt = context.Request.Query["prompt"];
        if (prompt.Count > 1 || (prompt.Count == 1 && !LoginPrompt.IsAllowed(prompt.ToString())))
        {
            await BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                "prompt must be one of none, login, consent or select_account.");
            return;
        }

        try
        {
            await context.ChallengeAsync(context.GetBffFrontend()?.OidcScheme ?? BffSessionDefaults.OidcScheme,
                LoginPrompt.Properties(target, prompt.Count == 1 ? prompt.ToString() : null));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // With PAR and discovery the challenge itself calls the IdP; whatever went wrong there, the
            // browser can only retry later.
            LogLoginIdpFailed(loggerFactory.CreateLogger("Bff.Endpoints.Login"), ex.GetType().Name);
            await BffProblem.IdpUnavailableAsync(context);
        }
    }

    [LoggerMessage(EventId = BffEventIds.LoginIdpUnavailable, Level = LogLevel.Warning, Message = "Login could not start at the IdP: {Reason}")]
    private static partial void LogLoginIdpFailed(ILogger logger, string reason);
}
