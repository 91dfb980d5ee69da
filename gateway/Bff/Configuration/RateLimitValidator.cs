using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on a <c>Bff:RateLimit</c> value that is out of range, or a limit half configured.</summary>
internal sealed class RateLimitValidator : IValidateOptions<BffOptions>
{
    // Far above any real limit; it keeps the bucket's arithmetic (and the seconds of Retry-After) in range.
    internal const int MaxValue = 1_000_000;

    internal const double MinPermitsPerSecond = 0.001;

    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var errors = new List<string>();
        var session = options.RateLimit.PerSession;
        if (session.PermitsPerSecond is { } rate)
        {
            if (!double.IsFinite(rate) || rate < MinPermitsPerSecond || rate > MaxValue)
            {
                errors.Add($"Bff:RateLimit:PerSession:PermitsPerSecond must be a number from {MinPermitsPerSecond} to {MaxValue}.");
            }

            if (session.Burst is null)
            {
                errors.Add("Bff:RateLimit:PerSession:Burst is required with Bff:RateLimit:PerSession:PermitsPerSecond (the most requests a session may make at once, at least 1).");
            }
        }
        else if (session.Burst is not null)
        {
            errors.Add("Bff:RateLimit:PerSession:Burst needs Bff:RateLimit:PerSession:PermitsPerSecond.");
        }

        if (session.Burst is { } burst && burst is < 1 or > MaxValue)
        {
            errors.Add($"Bff:RateLimit:PerSession:Burst must be a whole number from 1 to {MaxValue}.");
        }

        if (options.RateLimit.PerAddress.LoginsPerMinute is { } logins && logins is < 1 or > MaxValue)
        {
            errors.Add($"Bff:RateLimit:PerAddress:LoginsPerMinute must be a whole number from 1 to {MaxValue}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
