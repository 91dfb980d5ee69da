using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Sessions in Redis, one hash per session under <c>bff:s:{id}</c>. The braces are a hash tag, so every
/// key of one session lands in one Redis Cluster slot.
/// Fields: <c>m</c> protected metadata, <c>t</c> protected tokens, <c>v</c> token version, <c>seen</c>
/// last use and <c>abs</c> absolute deadline (unix ms, plain so scripts can compute the TTL).
/// The key's TTL is the earlier of the idle and absolute deadlines, so Redis itself forgets dead sessions.
/// </summary>
internal sealed partial class RedisSessionStore(
    IConnectionMultiplexer redis,
    SessionProtector protector,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<RedisSessionStore> logger) : ISessionStore
{
    private static readonly LuaScript CreateScript = LuaScript.Prepare("""
        redis.call('HSET', @key, 'm', @m, 't', @t, 'v', @v, 'seen', @seen, 'abs', @abs)
        redis.call('PEXPIRE', @key, @ttl)
        return 1
        """);

    // Never recreates a deleted session: HSET on a missing key would bring back a hash with only 'seen'.
    private static readonly LuaScript TouchScript = LuaScript.Prepare("""
        local abs = tonumber(redis.call('HGET', @key, 'abs'))
        if not abs then return 0 end
        local now = tonumber(@now)
        local deadline = math.min(now + tonumber(@idle), abs)
        if deadline <= now then
          redis.call('DEL', @key)
          return 0
        end
        redis.call('HSET', @key, 'seen', now)
        redis.call('PEXPIRE', @key, deadline - now)
        return 1
        """);

    private static readonly RedisValue[] ReadFields = ["m", "t", "v", "seen", "abs"];

    private readonly BffOptions _options = options.Value;

    internal static RedisKey KeyOf(string id) => $"bff:s:{{{id}}}";

    public async Task CreateAsync(BffSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = session.ExpiresAt(_options.Session.IdleTimeout) - now;
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var args = new
        {
            key = KeyOf(session.Id),
            m = (RedisValue)protector.Protect(SessionProtector.MetadataOf(session)),
            t = (RedisValue)protector.Protect(session.Tokens),
            v = session.Version,
            seen = session.LastSeenAt.ToUnixTimeMilliseconds(),
            abs = session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(),
            ttl = (long)Math.Ceiling(ttl.TotalMilliseconds),
        };
        await Guard(Database.ScriptEvaluateAsync(CreateScript, args), "create", cancellationToken);
    }

    public async Task<BffSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var values = await Guard(Database.HashGetAsync(KeyOf(id), ReadFields), "read", cancellationToken);
        if (values[0].IsNull || values[1].IsNull || values[3].IsNull || values[4].IsNull)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]);
        var absolute = DateTimeOffset.FromUnixTimeMilliseconds((long)values[4]);
        if (now >= absolute || now >= lastSeen + _options.Session.IdleTimeout)
        {
            return null;
        }

        try
        {
            var metadata = protector.UnprotectMetadata((byte[])values[0]!);
            var tokens = protector.UnprotectTokens((byte[])values[1]!);
            return SessionProtector.Compose(id, metadata, tokens, lastSeen, (long)values[2]);
        }
        catch (CryptographicException ex)
        {
            // A key ring that lost the key, or tampered data: the session cannot be used, so it is gone.
            LogUnreadable(logger, id, ex.GetType().Name);
            await DeleteAsync(id, cancellationToken);
            return null;
        }
    }

    public async Task TouchAsync(string id, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        var args = new
        {
            key = KeyOf(id),
            now = lastSeenAt.ToUnixTimeMilliseconds(),
            idle = (long)_options.Session.IdleTimeout.TotalMilliseconds,
        };
        await Guard(Database.ScriptEvaluateAsync(TouchScript, args), "touch", cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await Guard(Database.KeyDeleteAsync(KeyOf(id)), "delete", cancellationToken);

    private IDatabase Database => redis.GetDatabase();

    private async Task<T> Guard<T>(Task<T> call, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(_options.SessionStoreTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogStoreFailed(logger, operation, ex.GetType().Name);
            throw new SessionStoreUnavailableException($"Session store {operation} failed.", ex);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Session {SessionId} could not be decrypted ({Reason}); it was deleted")]
    private static partial void LogUnreadable(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Session store {Operation} failed: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string reason);
}
