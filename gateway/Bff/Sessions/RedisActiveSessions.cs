using Bff.Configuration;
using Bff.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// How many sessions each frontend has in Redis, without a SCAN: one sorted set per frontend
/// (<see cref="RedisKeys.ActiveSessions"/>) of session ids scored by expiry, the same instant the session's key TTL
/// is set to. The store writes it next to its own writes (a new session, each sliding touch, each end), so a
/// session that ends by TTL, which no script sees, stops counting at its score all the same.
/// </summary>
/// <remarks>
/// The sets live in other Redis Cluster slots than the sessions, out of reach of the session scripts, so they are
/// written fire-and-forget: no request waits for them. A lost write costs a slightly wrong count: a session not
/// counted until its next touch, or an ended one counted until its expiry.
/// </remarks>
internal sealed class RedisActiveSessions(RedisSessionCalls calls, RedisKeys keys, IOptions<BffOptions> options, TimeProvider time)
{
    private readonly string[] _frontends = ActiveSessionsGauge.FrontendsOf(options.Value);

    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    /// <summary>Counts <paramref name="session"/> until <paramref name="expiresAt"/>, or later when it already counted so.</summary>
    public void Add(BffSession session, DateTimeOffset expiresAt)
    {
        var ttl = (long)Math.Ceiling((expiresAt - time.GetUtcNow()).TotalMilliseconds);
        if (ttl > 0)
        {
            Send(db => db.ScriptEvaluateAsync(RedisScripts.ActiveSessionAdd, [keys.ActiveSessions(session.Frontend ?? "")],
                [expiresAt.ToUnixTimeMilliseconds(), session.Id, ttl], CommandFlags.FireAndForget));
        }
    }

    /// <summary>
    /// Stops counting a session that ended: in its own frontend's set, or, when it could not be read, in every
    /// configured frontend's.
    /// </summary>
    public void Remove(string id, BffSession? ended)
    {
        foreach (var frontend in ended is null ? _frontends : [ended.Frontend ?? ""])
        {
            Send(db => db.SortedSetRemoveAsync(keys.ActiveSessions(frontend), id, CommandFlags.FireAndForget));
        }
    }

    /// <summary>The live sessions of <paramref name="frontend"/>, dropping those expired: one command.</summary>
    public async Task<long> CountAsync(string frontend, CancellationToken cancellationToken)
    {
        var count = await calls.Database.ScriptEvaluateAsync(RedisScripts.ActiveSessionCount, [keys.ActiveSessions(frontend)],
            [time.GetUtcNow().ToUnixTimeMilliseconds()]).WaitAsync(_timeout, cancellationToken);
        return (long)count;
    }

    private void Send(Func<IDatabase, Task> command)
    {
        try
        {
            _ = command(calls.Database);
        }
        catch (RedisException)
        {
            // Never fails the session write it follows: the count is off until the session's next touch or expiry.
        }
    }
}
