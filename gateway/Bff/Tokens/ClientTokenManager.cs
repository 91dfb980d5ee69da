using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

/// <summary>
/// The gateway's own client-credentials token for routes with <c>Bff.AccessToken: Client</c>: kept in
/// memory, shared through Redis, and renewed with the same single flight as user tokens (one request
/// per instance, one instance at a time through the refresh lock).
/// </summary>
internal sealed partial class ClientTokenManager(
    ISharedTokenCache shared,
    IdpTokenClient idp,
    IRefreshLock refreshLock,
    RefreshWaiters signals,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<ClientTokenManager> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // One flight and one lock name for the whole gateway: it has a single client identity.
    private readonly string _key = "cc-" + RedisKeys.Hash(options.Value.ClientId ?? "");
    private readonly BffOptions _options = options.Value;
    private readonly SemaphoreSlim _flight = new(1, 1);
    private volatile TokenSet? _current;

    /// <summary>A valid token, or null when the IdP cannot issue one now.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && Fresh(current))
        {
            return current.AccessToken;
        }

        await _flight.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && Fresh(again))
            {
                return again.AccessToken;
            }

            var renewed = await RenewAsync();
            if (renewed is not null)
            {
                _current = renewed;
                return renewed.AccessToken;
            }

            // The IdP is down: a token that has not yet expired still works.
            return _current is { } stale && time.GetUtcNow() < stale.AccessTokenExpiresAt ? stale.AccessToken : null;
        }
        finally
        {
            _flight.Release();
        }
    }

    private bool Fresh(TokenSet tokens) =>
        tokens.AccessTokenExpiresAt - time.GetUtcNow() > RefreshWindow.Of(tokens, _options.Tokens.RefreshBeforeExpiry);

    private async Task<TokenSet?> RenewAsync()
    {
        var deadline = time.GetUtcNow() + _options.Tokens.IdpTimeout + (2 * _options.Tokens.RefreshLockLifetime);
        while (true)
        {
            using var signal = signals.Register(_key);
            if (await shared.GetAsync(_key, CancellationToken.None) is { } cached && Fresh(cached))
            {
                return cached;
            }

            await using (var held = await refreshLock.TryAcquireAsync(_key, CancellationToken.None))
            {
                if (held is not null)
                {
                    if (await shared.GetAsync(_key, CancellationToken.None) is { } justSaved && Fresh(justSaved))
                    {
                        return justSaved;
                    }

                    var response = await idp.ClientCredentialsAsync([], CancellationToken.None);
                    if (response.Outcome != IdpTokenOutcome.Success)
                    {
                        metrics.Refresh("client_" + (response.Outcome == IdpTokenOutcome.InvalidGrant ? "invalid_grant" : "idp_unavailable"));
                        LogFailed(logger, response.Error ?? response.Outcome.ToString());
                        return null;
                    }

                    var tokens = response.Tokens!;
                    var lifetime = tokens.AccessTokenExpiresAt - time.GetUtcNow();
                    if (lifetime > TimeSpan.Zero)
                    {
                        await shared.SetAsync(_key, tokens, lifetime, CancellationToken.None);
                    }

                    metrics.Refresh("client_success");
                    return tokens;
                }
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.WhenAny(signal.Task, Task.Delay(remaining < PollInterval ? remaining : PollInterval, time));
        }
    }

    [LoggerMessage(EventId = BffEventIds.ClientTokenFailed, Level = LogLevel.Warning, Message = "Client-credentials token could not be obtained: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
