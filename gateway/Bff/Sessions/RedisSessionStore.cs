using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Sessions in Redis, one hash per session (<see cref="RedisKeys.Session"/>), with fields
/// <c>m</c> protected metadata, <c>t</c> protected tokens, <c>v</c> token version, <c>seen</c> last use,
/// <c>abs</c> absolute deadline (unix ms, plain so scripts can compute the TTL), and <c>u</c> / <c>i</c>
/// the hashes of the user and IdP session it is indexed under. The key's TTL is the earlier of the idle
/// and absolute deadlines, so Redis itself forgets dead sessions.
/// Every change is published on <see cref="RedisKeys.InvalidationChannel"/> by the same script that
/// makes it, so no instance can miss a change without also noticing its subscription is gone.
/// Indexes live in other slots (Redis Cluster), so they are kept up to date with separate commands and
/// cleaned lazily: an entry whose session is gone is dropped when the index is read.
/// </summary>
internal sealed partial class RedisSessionStore(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    SessionProtector protector,
    SessionCache cache,
    SessionStoreHealth health,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<RedisSessionStore> logger) : ISessionStore
{
    private const int MaxSessionsPerUser = 1000;

    /// <summary>How long the result of a refresh stays findable by the refresh token it replaced.</summary>
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    // Scripts take keys as KEYS (so Redis Cluster can route them) and everything else as ARGV, by position:
    // StackExchange.Redis's named-parameter LuaScript would compile an expression tree per argument type.

    // KEYS: session. ARGV: m, t, v, seen, abs, u, i, ttl.
    private const string CreateScript = """
        redis.call('HSET', KEYS[1], 'm', ARGV[1], 't', ARGV[2], 'v', ARGV[3], 'seen', ARGV[4], 'abs', ARGV[5], 'u', ARGV[6], 'i', ARGV[7])
        redis.call('PEXPIRE', KEYS[1], ARGV[8])
        return 1
        """;

    // KEYS: index. ARGV: score, member, ttl.
    private const string IndexAddScript = """
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return 1
        """;

    // Never recreates a deleted session: HSET on a missing key would bring back a hash with only 'seen'.
    // KEYS: session. ARGV: now, idle, channel, message.
    private const string TouchScript = """
        local abs = tonumber(redis.call('HGET', KEYS[1], 'abs'))
        if not abs then return 0 end
        local now = tonumber(ARGV[1])
        local deadline = math.min(now + tonumber(ARGV[2]), abs)
        if deadline <= now then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[3], ARGV[4])
          return 0
        end
        redis.call('HSET', KEYS[1], 'seen', now)
        redis.call('PEXPIRE', KEYS[1], deadline - now)
        return 1
        """;

    // KEYS: session, grace. ARGV: grace hash ('' for none), grace ttl, expected version, t, channel, message.
    private const string UpdateTokensScript = """
        if ARGV[1] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2]) end
        local v = redis.call('HGET', KEYS[1], 'v')
        if not v then return -1 end
        if v ~= ARGV[3] then return 0 end
        local next = tonumber(v) + 1
        redis.call('HSET', KEYS[1], 't', ARGV[4], 'v', next)
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        return next
        """;

    // KEYS: session. ARGV: channel, message.
    private const string DeleteScript = """
        local f = redis.call('HMGET', KEYS[1], 'm', 't', 'v', 'seen', 'abs', 'u', 'i')
        if not f[5] then return false end
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return f
        """;

    private static readonly RedisValue[] ReadFields = ["m", "t", "v", "seen", "abs"];

    private readonly RedisValue _invalidationChannelName = keys.InvalidationChannel.ToString();

    private readonly BffOptions _options = options.Value;

    internal static string InvalidationMessage(string id) => "s:" + id;

    public async Task CreateAsync(BffSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = session.ExpiresAt(_options.Session.IdleTimeout) - now;
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
        var subjectHash = RedisKeys.Hash(session.Subject);
        var idpHash = session.IdpSessionId is { Length: > 0 } sid ? RedisKeys.Hash(sid) : "";
        RedisValue[] args =
        [
            protector.Protect(session.Id, SessionProtector.MetadataOf(session)),
            protector.Protect(session.Id, session.Tokens),
            session.Version,
            session.LastSeenAt.ToUnixTimeMilliseconds(),
            session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(),
            subjectHash,
            idpHash,
            ttlMs,
        ];
        await Guard(Database.ScriptEvaluateAsync(CreateScript, [keys.Session(session.Id)], args), "create", cancellationToken);

        var absoluteTtl = (long)Math.Ceiling((session.AbsoluteExpiresAt - now).TotalMilliseconds);
        RedisValue[] indexArgs = [session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), session.Id, absoluteTtl];
        await Guard(Database.ScriptEvaluateAsync(IndexAddScript, [keys.SubjectIndex(subjectHash)], indexArgs), "index", cancellationToken);
        if (idpHash.Length > 0)
        {
            await Guard(Database.ScriptEvaluateAsync(IndexAddScript, [keys.IdpSessionIndex(idpHash)], indexArgs), "index", cancellationToken);
        }
    }

    public ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var cached = cache.TryGet(id);
        return cached is not null ? ValueTask.FromResult<BffSession?>(cached) : new ValueTask<BffSession?>(ReadAsync(id, cancellationToken));
    }

    public Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken) => ReadAsync(id, cancellationToken);

    private async Task<BffSession?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var epoch = cache.Epoch;
        var values = await Guard(Database.HashGetAsync(keys.Session(id), ReadFields), "read", cancellationToken);
        if (values[0].IsNull || values[1].IsNull || values[2].IsNull || values[3].IsNull || values[4].IsNull)
        {
            return null;
        }

        var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]);
        var metadata = (byte[])values[0]!;
        var tokens = (byte[])values[1]!;
        var version = (long)values[2];
        if (!cache.Payloads.TryGet(id, metadata, tokens, lastSeen, version, out var session))
        {
            session = await DecodeAsync(id, metadata, tokens, version, lastSeen, cancellationToken);
            if (session is not null)
            {
                RememberPayloads(session, metadata, tokens, epoch);
            }
        }

        if (session is null || time.GetUtcNow() >= session.ExpiresAt(_options.Session.IdleTimeout))
        {
            return null;
        }

        cache.Set(session, epoch);
        return session;
    }

    // Like the cache, never keeps what a read saw when the session may have changed or ended meanwhile:
    // the memo would not serve it wrongly (the bytes decide), but the plaintext would stay in memory.
    private void RememberPayloads(BffSession session, byte[] metadata, byte[] tokens, long epochAtReadStart)
    {
        cache.Payloads.Set(session, metadata, tokens);
        if (cache.Epoch != epochAtReadStart)
        {
            cache.Payloads.Remove(session.Id);
        }
    }

    public async Task TouchAsync(string id, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        RedisValue[] args =
        [
            lastSeenAt.ToUnixTimeMilliseconds(),
            (long)_options.Session.IdleTimeout.TotalMilliseconds,
            _invalidationChannelName,
            InvalidationMessage(id),
        ];
        var touched = (long)await Guard(Database.ScriptEvaluateAsync(TouchScript, [keys.Session(id)], args), "touch", cancellationToken);
        if (touched == 1)
        {
            cache.Update(id, s => s with { LastSeenAt = lastSeenAt });
        }
    }

    public async Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken)
    {
        var graceHash = replacedRefreshToken is null ? "" : RedisKeys.Hash(replacedRefreshToken);
        RedisKey[] scriptKeys = [keys.Session(id), keys.RefreshGrace(id, graceHash)];
        RedisValue[] args =
        [
            graceHash,
            (long)GracePeriod.TotalMilliseconds,
            expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            protector.Protect(id, tokens),
            _invalidationChannelName,
            InvalidationMessage(id),
        ];
        var result = (long)await Guard(Database.ScriptEvaluateAsync(UpdateTokensScript, scriptKeys, args), "update", cancellationToken);
        cache.Invalidate(id);
        return result switch
        {
            -1 => TokenWriteResult.Missing,
            0 => TokenWriteResult.Conflict,
            _ => TokenWriteResult.Written(result),
        };
    }

    public async Task<TokenSet?> GetGraceTokensAsync(string id, string refreshToken, CancellationToken cancellationToken)
    {
        var value = await Guard(Database.StringGetAsync(keys.RefreshGrace(id, RedisKeys.Hash(refreshToken))), "read", cancellationToken);
        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return await protector.UnprotectTokensAsync(id, (byte[])value!, cancellationToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public async Task<BffSession?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        RedisValue[] args = [_invalidationChannelName, InvalidationMessage(id)];
        var result = await Guard(Database.ScriptEvaluateAsync(DeleteScript, [keys.Session(id)], args), "delete", cancellationToken);
        cache.Invalidate(id);
        if (result.IsNull)
        {
            return null;
        }

        var f = (RedisValue[])result!;
        await RemoveFromIndexAsync(keys.SubjectIndex(f[5]!), id, cancellationToken);
        if (!f[6].IsNullOrEmpty)
        {
            await RemoveFromIndexAsync(keys.IdpSessionIndex(f[6]!), id, cancellationToken);
        }

        if (f[0].IsNull || f[1].IsNull || f[2].IsNull || f[3].IsNull)
        {
            return null;
        }

        return await DecodeAsync(id, (byte[])f[0]!, (byte[])f[1]!, (long)f[2], DateTimeOffset.FromUnixTimeMilliseconds((long)f[3]), cancellationToken, deleteIfUnreadable: false);
    }

    public async Task<IReadOnlyList<BffSession>> ListBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        var ids = await ReadIndexAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), cancellationToken);
        var sessions = new List<BffSession>(ids.Count);
        foreach (var id in ids)
        {
            var session = await GetFreshAsync(id, cancellationToken);
            if (session is null)
            {
                await RemoveFromIndexAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), id, cancellationToken);
            }
            else if (session.Subject == subject)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public Task<IReadOnlyList<string>> FindByIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        ReadIndexAsync(keys.IdpSessionIndex(RedisKeys.Hash(idpSessionId)), cancellationToken);

    private async Task<IReadOnlyList<string>> ReadIndexAsync(RedisKey index, CancellationToken cancellationToken)
    {
        // Entries are scored by absolute deadline: those past it are stragglers whatever else happened.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await Guard(Database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, now), "index", cancellationToken);
        var members = await Guard(Database.SortedSetRangeByRankAsync(index, 0, MaxSessionsPerUser - 1), "index", cancellationToken);
        return members.Select(m => m.ToString()).ToArray();
    }

    private async Task RemoveFromIndexAsync(RedisKey index, string id, CancellationToken cancellationToken)
    {
        try
        {
            await Guard(Database.SortedSetRemoveAsync(index, id), "index", cancellationToken);
        }
        catch (SessionStoreUnavailableException)
        {
            // The session itself is gone; a stale index entry is dropped the next time the index is read.
        }
    }

    private async Task<BffSession?> DecodeAsync(string id, byte[] metadata, byte[] tokens, long version, DateTimeOffset lastSeen,
        CancellationToken cancellationToken, bool deleteIfUnreadable = true)
    {
        try
        {
            var readMetadata = await protector.UnprotectMetadataAsync(id, metadata, cancellationToken);
            var readTokens = await protector.UnprotectTokensAsync(id, tokens, cancellationToken);
            return SessionProtector.Compose(id, readMetadata, readTokens, lastSeen, version);
        }
        catch (CryptographicException ex)
        {
            // A key ring that lost the key, tampered data, or data written for another session id: the session
            // cannot be used, so it is gone.
            LogUnreadable(logger, id, ex.GetType().Name);
            if (deleteIfUnreadable)
            {
                await DeleteAsync(id, cancellationToken);
            }

            return null;
        }
    }

    private IDatabase Database => redis.GetDatabase();

    private async Task<T> Guard<T>(Task<T> call, string operation, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        try
        {
            return await call.WaitAsync(_options.SessionStoreTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.MarkFailed();
            cache.Disable();
            LogStoreFailed(logger, operation, ex.GetType().Name);
            throw new SessionStoreUnavailableException($"Session store {operation} failed.", ex);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Session {SessionId} could not be decrypted ({Reason}); it was deleted")]
    private static partial void LogUnreadable(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Session store {Operation} failed: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string reason);
}
