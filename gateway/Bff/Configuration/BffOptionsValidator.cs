using Bff.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on invalid configuration with messages that name the configuration key.</summary>
internal sealed class BffOptionsValidator : IValidateOptions<BffOptions>
{
    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            errors.Add("Bff:Authority is required (the IdP issuer URL).");
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("Bff:Authority must be an absolute http(s) URL.");
        }
        else if (options.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("Bff:Authority must use https unless Bff:RequireHttpsMetadata is false.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add("Bff:ClientId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            errors.Add("Bff:ClientSecret is required.");
        }

        if (options.PublicOrigin is { Length: > 0 } origin && !IsOrigin(origin))
        {
            errors.Add("Bff:PublicOrigin must be an origin such as https://app.example.com (scheme, host, optional port; no path).");
        }

        if (options.Scopes.Count > 0 && !options.Scopes.Contains("openid"))
        {
            errors.Add("Bff:Scopes must include openid.");
        }

        if (string.IsNullOrWhiteSpace(options.Cookie.Name))
        {
            errors.Add("Bff:Cookie:Name must not be empty.");
        }

        if (options.Cookie.SameSite is not (SameSiteMode.Strict or SameSiteMode.Lax))
        {
            errors.Add("Bff:Cookie:SameSite must be Strict or Lax.");
        }

        RequirePositive(errors, "Bff:Session:IdleTimeout", options.Session.IdleTimeout);
        RequirePositive(errors, "Bff:Session:AbsoluteLifetime", options.Session.AbsoluteLifetime);
        RequireNotNegative(errors, "Bff:Session:CacheDuration", options.Session.CacheDuration);
        RequireNotNegative(errors, "Bff:Session:SlidingWriteInterval", options.Session.SlidingWriteInterval);
        RequireNotNegative(errors, "Bff:Tokens:RefreshBeforeExpiry", options.Tokens.RefreshBeforeExpiry);
        RequirePositive(errors, "Bff:Tokens:IdpTimeout", options.Tokens.IdpTimeout);
        if (options.Tokens.RefreshLockLifetime < TimeSpan.FromMilliseconds(300))
        {
            errors.Add("Bff:Tokens:RefreshLockLifetime must be at least 00:00:00.3.");
        }

        RequirePositive(errors, "Bff:SessionStoreTimeout", options.SessionStoreTimeout);

        if (options.Session.IdleTimeout > options.Session.AbsoluteLifetime)
        {
            errors.Add("Bff:Session:IdleTimeout must not exceed Bff:Session:AbsoluteLifetime.");
        }

        if (options.DataProtection.CertificatePath is { Length: > 0 } path && !File.Exists(path))
        {
            errors.Add($"Bff:DataProtection:CertificatePath names a file that does not exist: {path}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.Equals(value.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
        && string.IsNullOrEmpty(uri.UserInfo);

    private static void RequirePositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive time span (e.g. 00:05:00).");
        }
    }

    private static void RequireNotNegative(List<string> errors, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"{key} must not be negative.");
        }
    }
}
