using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Routes;
using Bff.Telemetry;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

/// <summary>
/// The gateway's own client-credentials tokens for routes with <c>Bff.AccessToken: Client</c> (and
/// <c>UserOrClient</c> without a session), one per (client, resource, scope): kept in memory, shared through
/// Redis, and renewed with the same single flight as user tokens (one request per instance, one instance at a time
/// through the refresh lock).
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

    private readonly string _clientId = options.Value.ClientId ?? "";
    private readonly BffOptions _options = options.Value;

    // One per audience the routes name: a bounded set, read from configuration.
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A valid token for the client's own audience, or null when the IdP cannot issue one now.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken) =>
        (await GetAsync(null, cancellationToken)).Token?.AccessToken;

    /// <summary>A valid token for <paramref name="audience"/>; none when the IdP cannot issue one now, or refused it.</summary>
    public async ValueTask<ClientTokenResult> GetAsync(TokenAudience? audience, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(audience?.Key ?? "", _ => new Entry(KeyOf(audience), audience));
        if (entry.Current is { } current && Fresh(current))
        {
            return new ClientTokenResult(current.Bearer, null);
        }

        await entry.Flight.WaitAsync(cancellationToken);
        try
        {
            if (entry.Current is { } again && Fresh(again))
            {
                return new ClientTokenResult(again.Bearer, null);
            }

            var (renewed, refusal) = await RenewAsync(entry);
            if (renewed is not null)
            {
                entry.Current = renewed;
                return new ClientTokenResult(renewed.Bearer, null);
            }

            if (refusal is not null)
            {
                return new ClientTokenResult(null, refusal);
            }

            // The IdP is down: a token that has not yet expired still works.
            return new ClientTokenResult(entry.Current is { } stale && time.GetUtcNow() < stale.AccessTokenExpiresAt ? stale.Bearer : null, null);
        }
        finally
        {
            entry.Flight.Release();
        }
    }

    // The client's own token keeps the key it always had, so instances share it whatever their version.
    private string KeyOf(TokenAudience? audience) =>
        "cc-" + RedisKeys.Hash(audience is null ? _clientId : _clientId + "\n" + audience.Key);

    private bool Fresh(TokenSet tokens) =>
        tokens.AccessTokenExpiresAt - time.GetUtcNow() > RefreshWindow.Of(tokens, _options.Tokens.RefreshBeforeExpiry);

    private async Task<(TokenSet? Tokens, string? Refusal)> RenewAsync(Entry entry)
    {
        var key = entry.Key;
        var deadline = time.GetUtcNow() + _options.Tokens.IdpTimeout + (2 * _options.Tokens.RefreshLockLifetime);
        while (true)
        {
            using var signal = signals.Register(key);
            if (await shared.GetAsync(key, CancellationToken.None) is { } cached && Fresh(cached))
            {
                return (cached, null);
            }

            await using (var held = await refreshLock.TryAcquireAsync(key, CancellationToken.None))
            {
                if (held is not null)
                {
                    if (await shared.GetAsync(key, CancellationToken.None) is { } justSaved && Fresh(justSaved))
                    {
                        return (justSaved, null);
                    }

                    var response = await idp.ClientCredentialsAsync(entry.Audience?.Scopes ?? [], entry.Audience?.Resource, CancellationToken.None);
                    if (response.Outcome != IdpTokenOutcome.Success)
                    {
                        metrics.Refresh(response.Outcome switch
                        {
                            IdpTokenOutcome.InvalidGrant => "invalid_grant",
                            IdpTokenOutcome.Refused => "refused",
                            _ => "idp_unavailable",
                        }, "client");
                        LogFailed(logger, response.Error ?? response.Outcome.ToString());
                        return (null, response.Outcome == IdpTokenOutcome.Refused && entry.Audience is not null ? response.Error : null);
                    }

                    var tokens = response.Tokens!;
                    var lifetime = tokens.AccessTokenExpiresAt - time.GetUtcNow();
                    if (lifetime > TimeSpan.Zero)
                    {
                        await shared.SetAsync(key, tokens, lifetime, CancellationToken.None);
                    }

                    metrics.Refresh("success", "client");
                    return (tokens, null);
                }
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return (null, null);
            }

            await Task.WhenAny(signal.Task, Task.Delay(remaining < PollInterval ? remaining : PollInterval, time));
        }
    }

    private sealed class Entry(string key, TokenAudience? audience)
    {
        public string Key { get; } = key;

        public TokenAudience? Audience { get; } = audience;

        public SemaphoreSlim Flight { get; } = new(1, 1);

        public volatile TokenSet? Current;
    }

    [LoggerMessage(EventId = BffEventIds.ClientTokenFailed, Level = LogLevel.Warning, Message = "Client-credentials token could not be obtained: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
