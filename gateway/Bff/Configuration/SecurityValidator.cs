using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on a <c>Bff:Security</c> value out of range, or a webhook without its secret.</summary>
internal sealed class SecurityValidator : IValidateOptions<BffOptions>
{
    internal const int MinSecretLength = 16;

    // Far above any real threshold or backlog; it keeps a typo from holding a million signals in memory.
    internal const int MaxValue = 1_000_000;

    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var errors = new List<string>();
        var security = options.Security;
        if (security.WebhookUrl is { Length: > 0 } url)
        {
            // The body names subjects and sessions: only a channel that protects it, or this machine itself.
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
                || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add("Bff:Security:WebhookUrl must be an absolute https URL (http only for a loopback address), without user info.");
            }

            if (security.WebhookSecret is not { Length: >= MinSecretLength })
            {
                errors.Add($"Bff:Security:WebhookSecret is required with Bff:Security:WebhookUrl (at least {MinSecretLength} characters).");
            }
        }
        else if (!string.IsNullOrEmpty(security.WebhookSecret))
        {
            errors.Add("Bff:Security:WebhookSecret needs Bff:Security:WebhookUrl.");
        }

        RequireRange(errors, "Bff:Security:WebhookQueueCapacity", security.WebhookQueueCapacity);
        RequireRange(errors, "Bff:Security:InvalidCookieBurst", security.InvalidCookieBurst);
        RequireRange(errors, "Bff:Security:CsrfRejectionBurst", security.CsrfRejectionBurst);
        if (security.NewDeviceWindow < TimeSpan.FromMinutes(1) || security.NewDeviceWindow > TimeSpan.FromDays(366))
        {
            errors.Add("Bff:Security:NewDeviceWindow must be between 00:01:00 and 366.00:00:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequireRange(List<string> errors, string key, int value)
    {
        if (value is < 1 or > MaxValue)
        {
            errors.Add($"{key} must be a whole number from 1 to {MaxValue}.");
        }
    }
}
