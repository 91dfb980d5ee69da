using Bff.Redis;
using Bff.Telemetry;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>Reading a session: from this instance's cache when it holds it, else the hash in one round trip.</summary>
internal sealed partial class RedisSessionStore
{
    private static readonly RedisValue[] ReadFields = ["m", "t", "v", "seen", "abs", "fv"];

    public ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var cached = cache.TryGet(id);
        if (cached is not null)
        {
            // Null, and nothing computed, unless a tracer listens.
            BffActivitySource.Instance.StartActivity(BffActivitySource.SessionLoad)?.SetTag("bff.session.cache_hit", true).Dispose();
            return ValueTask.FromResult<BffSession?>(cached);
        }

        return new ValueTask<BffSession?>(ReadAsync(id, cancellationToken));
    }

    public Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken) => ReadAsync(id, cancellationToken);

    private async Task<BffSession?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        using var activity = BffActivitySource.Instance.StartActivity(BffActivitySource.SessionLoad);
        activity?.SetTag("bff.session.cache_hit", false);
        var epoch = cache.Epoch;
        var started = time.GetUtcNow();
        RedisValue[] values;
        try
        {
            values = await calls.GuardAsync(calls.Database.HashGetAsync(keys.Session(id), ReadFields), "read", cancellationToken);
        }
        catch (SessionStoreUnavailableException ex) when (activity is not null)
        {
            activity.SetTag("error.type", (ex.InnerException ?? ex).GetType().Name).SetStatus(ActivityStatusCode.Error);
            throw;
        }

        if (values[0].IsNull || values[1].IsNull || values[2].IsNull || values[3].IsNull || values[4].IsNull)
        {
            return null;
        }

        // A session written by a newer instance during a rolling deploy is not this one's to judge, nor to delete.
        var format = SessionFormat.Of(values[5]);
        if (format > SessionFormat.Current)
        {
            return null;
        }

        var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]);
        var metadata = (byte[])values[0]!;
        var tokens = (byte[])values[1]!;
        var version = (long)values[2];
        if (!cache.Payloads.TryGet(id, metadata, tokens, lastSeen, version, out var session))
        {
            session = await DecodeAsync(id, format, metadata, tokens, version, lastSeen, cancellationToken);
            if (session is not null)
            {
                session = RememberPayloads(session, metadata, tokens, epoch);
            }
        }

        if (session is null || time.GetUtcNow() >= session.ExpiresAt(_options.Session.IdleTimeout))
        {
            return null;
        }

        cache.Set(session, epoch, started);
        return session;
    }

    // Like the cache, never keeps what a read saw when the session may have changed or ended meanwhile:
    // the memo would not serve it wrongly (the bytes decide), but the plaintext would stay in memory.
    private BffSession RememberPayloads(BffSession session, byte[] metadata, byte[] tokens, long epochAtReadStart)
    {
        var kept = cache.Payloads.Set(session, metadata, tokens);
        if (cache.ChangedSince(session.Id, epochAtReadStart))
        {
            cache.Payloads.Remove(session.Id);
        }

        return kept;
    }

    private async Task<BffSession?> DecodeAsync(string id, int format, byte[] metadata, byte[] tokens, long version, DateTimeOffset lastSeen,
        CancellationToken cancellationToken, bool deleteIfUnreadable = true)
    {
        try
        {
            if (format < SessionFormat.Oldest)
            {
                throw new CryptographicException($"Stored session format {format} is no longer read.");
            }

            var readMetadata = await protector.UnprotectMetadataAsync(id, metadata, cancellationToken);
            var readTokens = await protector.UnprotectTokensAsync(id, tokens, cancellationToken);
            return SessionProtector.Compose(id, readMetadata, readTokens, lastSeen, version);
        }
        catch (CryptographicException ex)
        {
            // A key ring that lost the key, tampered data, data written for another session id, or a format
            // too old to trust: the session cannot be used, so it is gone.
            LogUnreadable(logger, id, ex.GetType().Name);
            if (deleteIfUnreadable)
            {
                await DeleteAsync(id, cancellationToken);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = BffEventIds.SessionUnreadable, Level = LogLevel.Warning, Message = "Session {SessionId} could not be decrypted ({Reason}); it was deleted")]
    private static partial void LogUnreadable(ILogger logger, string sessionId, string reason);
}
