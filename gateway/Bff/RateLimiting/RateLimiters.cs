using Bff.Configuration;

namespace Bff.RateLimiting;

/// <summary>The limits <c>Bff:RateLimit</c> turns on; null for one that is off.</summary>
internal sealed class RateLimiters
{
    public RateLimiters(BffRateLimitOptions options, IPermitStore? store, PermitStoreHealth health, TimeProvider time)
    {
        if (options.PerSession is { PermitsPerSecond: { } rate, Burst: { } burst })
        {
            var policy = new RateLimitPolicy(RateLimitKind.Session, rate, burst, RateLimitPolicy.SessionLeaseSize(rate, burst));
            PerSession = new PermitLimiter(policy, store, health, time);
        }

        // Exact (a lease of one): a login start already costs IdP round trips, so one Redis call more is nothing,
        // and an attacker's addresses should not each get a lease's worth on every instance.
        if (options.PerAddress.LoginsPerMinute is { } logins)
        {
            var policy = new RateLimitPolicy(RateLimitKind.Address, logins / 60.0, logins, leaseSize: 1);
            PerAddress = new PermitLimiter(policy, store, health, time);
        }
    }

    public PermitLimiter? PerSession { get; }

    public PermitLimiter? PerAddress { get; }
}
