using Bff.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on invalid configuration with messages that name the configuration key.</summary>
internal sealed class BffOptionsValidator : IValidateOptions<BffOptions>
{
    internal const int MaxSessionsPerUserLimit = 10_000;

    internal const int MaxRevocationReplicas = 16;

    // Far beyond what one instance's memory holds (several KB a session): a larger number is a typo.
    internal const int CacheMaxEntriesLimit = 10_000_000;

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

        // With named frontends the top-level client is optional: without a ClientId it serves no host (each
        // frontend's client is validated in full, with what it takes from here, by BffFrontendsValidator).
        if (options.HasDefaultFrontend)
        {
            ValidateClient(errors, BffOptions.SectionName, options);
        }

        if (options.PublicOrigin is { Length: > 0 } origin && !IsOrigin(origin))
        {
            errors.Add("Bff:PublicOrigin must be an origin such as https://app.example.com (scheme, host, optional port; no path).");
        }

        if (!IsKeyPrefix(options.Redis.KeyPrefix))
        {
            errors.Add("Bff:Redis:KeyPrefix must be 1 to 64 letters, digits, '-' or '_'.");
        }

        RequireNotNegative(errors, "Bff:Tokens:RefreshBeforeExpiry", options.Tokens.RefreshBeforeExpiry);
        // The bounds of the IdP client's timeout strategy: outside them the first IdP call would fail, not start-up.
        if (options.Tokens.IdpTimeout < TimeSpan.FromMilliseconds(10) || options.Tokens.IdpTimeout > TimeSpan.FromDays(1))
        {
            errors.Add("Bff:Tokens:IdpTimeout must be between 00:00:00.01 and 1.00:00:00.");
        }

        RequireAtLeastOne(errors, "Bff:Tokens:IdpMaxConcurrentCalls", options.Tokens.IdpMaxConcurrentCalls);
        RequireAtLeastOne(errors, "Bff:Tokens:IdpMaxConcurrentLoginCalls", options.Tokens.IdpMaxConcurrentLoginCalls);
        if (options.Tokens.RefreshLockLifetime < TimeSpan.FromMilliseconds(300))
        {
            errors.Add("Bff:Tokens:RefreshLockLifetime must be at least 00:00:00.3.");
        }

        if (options.Tokens.ResourceParameter is not (ResourceParameters.Resource or ResourceParameters.Audience))
        {
            errors.Add($"Bff:Tokens:ResourceParameter must be {ResourceParameters.Resource} or {ResourceParameters.Audience} (was '{options.Tokens.ResourceParameter}').");
        }

        RequirePositive(errors, "Bff:SessionStoreTimeout", options.SessionStoreTimeout);
        // Within the host's shutdown timeout (30 s by default), or the drain after it would be cut short.
        if (options.ShutdownDelay < TimeSpan.Zero || options.ShutdownDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add("Bff:ShutdownDelay must be between 00:00:00 and 00:01:00.");
        }

        if (options.DataProtection.CertificatePath is { Length: > 0 } path && !File.Exists(path))
        {
            errors.Add($"Bff:DataProtection:CertificatePath names a file that does not exist: {path}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>One OIDC client with its cookie and session settings, its keys under <paramref name="section"/>.</summary>
    internal static void ValidateClient(List<string> errors, string section, BffClientOptions client)
    {
        if (string.IsNullOrWhiteSpace(client.ClientId))
        {
            errors.Add($"{section}:ClientId is required.");
        }

        ClientAuthenticationValidator.Validate(errors, section, client);

        if (client.Scopes.Count > 0 && !client.Scopes.Contains("openid"))
        {
            errors.Add($"{section}:Scopes must include openid.");
        }

        if (string.IsNullOrWhiteSpace(client.Cookie.Name))
        {
            errors.Add($"{section}:Cookie:Name must not be empty.");
        }

        if (client.Cookie.SameSite is not (SameSiteMode.Strict or SameSiteMode.Lax))
        {
            errors.Add($"{section}:Cookie:SameSite must be Strict or Lax.");
        }

        RequirePositive(errors, $"{section}:Session:IdleTimeout", client.Session.IdleTimeout);
        RequirePositive(errors, $"{section}:Session:AbsoluteLifetime", client.Session.AbsoluteLifetime);
        RequireNotNegative(errors, $"{section}:Session:CacheDuration", client.Session.CacheDuration);
        RequireNotNegative(errors, $"{section}:Session:SlidingWriteInterval", client.Session.SlidingWriteInterval);
        // A login at the bound judges every entry of the user's index: the upper limit keeps that a small batch.
        if (client.Session.MaxSessionsPerUser is < 1 or > MaxSessionsPerUserLimit)
        {
            errors.Add($"{section}:Session:MaxSessionsPerUser must be between 1 and {MaxSessionsPerUserLimit}.");
        }

        // WAIT counts connected replicas; more than a handful means a typo, which would fail every logout.
        if (client.Session.RevocationReplicas is < 0 or > MaxRevocationReplicas)
        {
            errors.Add($"{section}:Session:RevocationReplicas must be between 0 and {MaxRevocationReplicas}.");
        }

        if (client.Session.CacheMaxEntries is < 1 or > CacheMaxEntriesLimit)
        {
            errors.Add($"{section}:Session:CacheMaxEntries must be between 1 and {CacheMaxEntriesLimit}.");
        }

        if (client.Session.IdleTimeout > client.Session.AbsoluteLifetime)
        {
            errors.Add($"{section}:Session:IdleTimeout must not exceed {section}:Session:AbsoluteLifetime.");
        }
    }

    // It becomes part of every key name and hash tag: nothing that could close a tag or need escaping.
    private static bool IsKeyPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= 64 } && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

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

    private static void RequireAtLeastOne(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{key} must be at least 1.");
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
