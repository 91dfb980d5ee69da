namespace Bff.Redis;

/// <summary>
/// Every Lua script the gateway runs, so the whole of what it does in Redis reads in one place. Scripts take keys
/// as KEYS, so that Redis Cluster can route them (every key of one script shares a hash tag, see
/// <see cref="RedisKeys"/>), and everything else as ARGV, by position: StackExchange.Redis's named-parameter
/// <c>LuaScript</c> would compile an expression tree per argument type.
/// </summary>
internal static partial class RedisScripts
{
    // Sessions (RedisSessionStore): every change publishes on the invalidation channel in the same script.

    // 'idle' (ms) is the session's own idle timeout, in plain beside 'abs' for the touch and the index to read; for a
    // session without one, they take the top-level idle timeout.
    // KEYS: session. ARGV: m, t, v, seen, abs, u, i, ttl, fv, idle ('' for none).
    public const string SessionCreate = """
        redis.call('HSET', KEYS[1], 'm', ARGV[1], 't', ARGV[2], 'v', ARGV[3], 'seen', ARGV[4], 'abs', ARGV[5], 'u', ARGV[6], 'i', ARGV[7], 'fv', ARGV[9])
        if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'idle', ARGV[10]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[8])
        return 1
        """;

    // Drops the entries past their absolute deadline, adds one, and while the index holds no more than the bound
    // answers nothing; beyond it, every entry, oldest first, for the store to judge (the sessions themselves live
    // in other cluster slots, out of this script's reach).
    // KEYS: index. ARGV: score, member, ttl, now, bound.
    public const string SessionIndexAdd = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        if redis.call('ZCARD', KEYS[1]) <= tonumber(ARGV[5]) then return {} end
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """;

    // Never recreates a deleted session: HSET on a missing key would bring back a hash with only 'seen'.
    // The session's own idle timeout is read here rather than sent, so the caller needs nothing but the id.
    // KEYS: session. ARGV: now, the top-level idle timeout (for a session without its own), channel, message.
    public const string SessionTouch = """
        local f = redis.call('HMGET', KEYS[1], 'abs', 'idle')
        local abs = tonumber(f[1])
        if not abs then return 0 end
        local now = tonumber(ARGV[1])
        local deadline = math.min(now + (tonumber(f[2]) or tonumber(ARGV[2])), abs)
        if deadline <= now then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[3], ARGV[4])
          return 0
        end
        redis.call('HSET', KEYS[1], 'seen', now)
        redis.call('PEXPIRE', KEYS[1], deadline - now)
        return 1
        """;

    // The message names the version written ('v:<version>:<id>'), so the writer's own instance can keep what it wrote.
    // A refresh's final write also releases the session's refresh lock when given its owner (the holder then saves
    // the release's round trip): the write's message wakes the lock's waiters, as the release's own message does
    // when nothing was written.
    // KEYS: session, grace, lock. ARGV: grace hash ('' for none), grace ttl, expected version, t, channel, session id,
    // lock owner ('' for none).
    public const string SessionUpdateTokens = """
        if ARGV[7] ~= '' and redis.call('GET', KEYS[3]) == ARGV[7] then redis.call('DEL', KEYS[3]) end
        if ARGV[1] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2]) end
        local v = redis.call('HGET', KEYS[1], 'v')
        if v ~= ARGV[3] then
          if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[5], 'r:' .. ARGV[6]) end
          if not v then return -1 end
          return 0
        end
        local next = tonumber(v) + 1
        redis.call('HSET', KEYS[1], 't', ARGV[4], 'v', next)
        redis.call('PUBLISH', ARGV[5], 'v:' .. next .. ':' .. ARGV[6])
        return next
        """;

    // KEYS: session. ARGV: channel, message.
    public const string SessionDelete = """
        local f = redis.call('HMGET', KEYS[1], 'm', 't', 'v', 'seen', 'abs', 'u', 'i', 'fv')
        if not f[5] then return false end
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return f
        """;

    // Active sessions (RedisActiveSessions): per frontend, a sorted set of session ids scored by each session's
    // expiry (unix ms), the instant its key's TTL ends, so the live ones are those scored after now even when no
    // script saw them end. GT: a touch that arrives late never pulls an expiry back. The set lives as long as its
    // latest session, so the set of a frontend no longer configured goes too.
    // KEYS: set. ARGV: the longest ttl, then expiry and id of each session (up to RedisActiveSessions.MaxPerCommand).
    public const string ActiveSessionAdd = """
        redis.call('ZADD', KEYS[1], 'GT', unpack(ARGV, 2))
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return 1
        """;

    // Drops the entries that expired, then counts the rest (an emptied set is gone, as Redis deletes empty keys).
    // KEYS: set. ARGV: now.
    public const string ActiveSessionCount = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        return redis.call('ZCARD', KEYS[1])
        """;

    // The revocation queue (RedisRevocationQueue). Every script: KEYS = queue, items.

    // ARGV: id, payload, due, max items.
    public const string RevocationEnqueue = """
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        return 1
        """;

    // ARGV: now, max, lease until.
    public const string RevocationClaim = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        local out = {}
        for _, id in ipairs(ids) do
          local payload = redis.call('HGET', KEYS[2], id)
          if payload then
            redis.call('ZADD', KEYS[1], ARGV[3], id)
            out[#out + 1] = id
            out[#out + 1] = payload
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return out
        """;

    // ARGV: id.
    public const string RevocationComplete = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """;

    // Rate limits (RateLimiting.RedisPermitStore): a token bucket that hands out up to ARGV[4] permits at once, for
    // the instance to spend locally. The caller's clock drives the refill, and never backwards: a clock behind
    // the last caller's refills nothing. A missing key is a full bucket; the key lives until it would be full.
    // KEYS: bucket. ARGV: now (ms), permits per ms, burst, wanted, ttl (ms). Returns { granted, ms until one permit }.
    public const string RateLimitLease = """
        local now = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local burst = tonumber(ARGV[3])
        local b = redis.call('HMGET', KEYS[1], 'p', 't')
        local permits = tonumber(b[1])
        local at = tonumber(b[2])
        if not permits then
          permits = burst
          at = now
        elseif now > at then
          permits = math.min(burst, permits + (now - at) * rate)
          at = now
        end
        local granted = math.min(tonumber(ARGV[4]), math.floor(permits))
        permits = permits - granted
        redis.call('HSET', KEYS[1], 'p', tostring(permits), 't', at)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        if granted > 0 then return { granted, 0 } end
        return { 0, math.ceil((1 - permits) / rate) }
        """;

    // Security signals (Security.RedisKnownDevices)

    // Both keys slide on every login, so a device stays known for the window after its last use. Answers 0 for a
    // known device, 1 for a new one, 2 when the subject itself had no login in the window (nothing to compare with).
    // KEYS: device, subject. ARGV: ttl in ms.
    public const string KnownDeviceRemember = """
        local device = redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'GET')
        local subject = redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'GET')
        if device then return 0 end
        if subject then return 1 end
        return 2
        """;
}
