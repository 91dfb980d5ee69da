namespace Bff.RateLimiting;

/// <summary>The bucket every instance shares: permits are leased from it in batches (Redis, <see cref="RedisPermitStore"/>).</summary>
internal interface IPermitStore
{
    /// <summary>
    /// Takes up to <paramref name="wanted"/> permits from the bucket of <paramref name="key"/> as it stands at
    /// <paramref name="nowMilliseconds"/> (Unix time). Throws <see cref="PermitStoreUnavailableException"/> when the
    /// store cannot answer.
    /// </summary>
    Task<PermitGrant> LeaseAsync(RateLimitPolicy policy, string key, int wanted, long nowMilliseconds, CancellationToken cancellationToken);
}

/// <summary>Permits leased; with none, how many milliseconds until the bucket holds one.</summary>
internal readonly record struct PermitGrant(int Granted, long RetryAfterMilliseconds);

/// <summary>The shared bucket could not be reached or did not answer in time.</summary>
internal sealed class PermitStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
