namespace Bff.Redis;

internal static partial class RedisScripts
{
    // Refresh locks (RedisRefreshLock).

    // KEYS: lock. ARGV: owner, ttl.
    public const string RefreshLockRenew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    // KEYS: lock. ARGV: owner, channel, message.
    public const string RefreshLockRelease = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
        """;

    // Refresh attempts (RedisRefreshAttempts): one round trip before a refresh token is sent. The grace entry its
    // earlier use left, if any (the token is then not sent, so not marked); else the mark, and whether it was there.
    // KEYS: grace, sent. ARGV: token hash, window (ms). Returns { 1, grace } or { 0, 1 when sent before else 0 }.
    public const string RefreshGraceOrMarkSent = """
        local grace = redis.call('GET', KEYS[1])
        if grace then return { 1, grace } end
        if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'GET') == ARGV[1] then return { 0, 1 } end
        return { 0, 0 }
        """;

    // The same check, asked right behind the lock's SET NX on the same connection, for the refresh token the flight
    // holds (nearly always the one stored), so a refresh needs no round trip of its own for it. Made only when that
    // SET took the lock for this owner, and only when no other token's mark is there: a flight that finds another
    // token stored, or another holder, changes nothing that the check of the stored token relies on.
    // KEYS: lock, grace, sent. ARGV: owner, token hash, window (ms). Returns { -1 } when not made, else as above.
    public const string RefreshGraceOrMarkSentUnderLock = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return { -1 } end
        local sent = redis.call('GET', KEYS[3])
        if sent and sent ~= ARGV[2] then return { -1 } end
        local grace = redis.call('GET', KEYS[2])
        if grace then return { 1, grace } end
        redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
        if sent then return { 0, 1 } end
        return { 0, 0 }
        """;
}
