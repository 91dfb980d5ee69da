using System.Collections.Concurrent;
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
/// counted until its next touch, or an ended one counted until its expiry. A touch moves a session's expiry by a
/// sliding write interval or more, so the touches' new expiries wait for the next <see cref="FlushInterval"/> and go
/// in one command per frontend, not one per touch: the session counted meanwhile until its previous expiry.
/// </remarks>
internal sealed class RedisActiveSessions : IDisposable
{
    /// <summary>How long a touch's new expiry may wait to be written.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>The most sessions one command writes.</summary>
    internal const int MaxPerCommand = 1000;

    private readonly RedisSessionCalls _calls;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly string[] _frontends;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ITimer _flush;

    public RedisActiveSessions(RedisSessionCalls calls, RedisKeys keys, IOptions<BffOptions> options, TimeProvider time)
    {
        _calls = calls;
        _keys = keys;
        _time = time;
        _frontends = ActiveSessionsGauge.FrontendsOf(options.Value);
        _timeout = options.Value.SessionStoreTimeout;
        _flush = time.CreateTimer(static state => ((RedisActiveSessions)state!).Flush(), this, FlushInterval, FlushInterval);
    }

    /// <summary>Counts a new <paramref name="session"/> until <paramref name="expiresAt"/>, at once.</summary>
    public void Add(BffSession session, DateTimeOffset expiresAt) =>
        Write(session.Frontend ?? "", [(expiresAt.ToUnixTimeMilliseconds(), session.Id)]);

    /// <summary>Counts <paramref name="session"/> until <paramref name="expiresAt"/> from the next flush on.</summary>
    public void Extend(BffSession session, DateTimeOffset expiresAt) =>
        _pending.AddOrUpdate(session.Id, static (_, p) => p, static (_, old, p) => old.ExpiresAt >= p.ExpiresAt ? old : p,
            new Pending(session.Frontend ?? "", expiresAt.ToUnixTimeMilliseconds()));

    /// <summary>
    /// Stops counting a session that ended: in its own frontend's set, or, when it could not be read, in every
    /// configured frontend's.
    /// </summary>
    public void Remove(string id, BffSession? ended)
    {
        _pending.TryRemove(id, out _);
        foreach (var frontend in ended is null ? _frontends : [ended.Frontend ?? ""])
        {
            Send(db => db.SortedSetRemoveAsync(_keys.ActiveSessions(frontend), id, CommandFlags.FireAndForget));
        }
    }

    /// <summary>The live sessions of <paramref name="frontend"/>, dropping those expired: one command.</summary>
    public async Task<long> CountAsync(string frontend, CancellationToken cancellationToken)
    {
        // This instance's own touches count as soon as they are made; the same connection keeps the order.
        Flush();
        var count = await _calls.Database.ScriptEvaluateAsync(RedisScripts.ActiveSessionCount, [_keys.ActiveSessions(frontend)],
            [_time.GetUtcNow().ToUnixTimeMilliseconds()]).WaitAsync(_timeout, cancellationToken);
        return (long)count;
    }

    /// <summary>Writes the expiries the touches left since the last flush.</summary>
    internal void Flush()
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var batches = new Dictionary<string, List<(long, string)>>(StringComparer.Ordinal);
        foreach (var (id, pending) in _pending)
        {
            // One changed meanwhile stays for the next flush.
            if (!_pending.TryRemove(new KeyValuePair<string, Pending>(id, pending)))
            {
                continue;
            }

            if (!batches.TryGetValue(pending.Frontend, out var batch))
            {
                batches[pending.Frontend] = batch = [];
            }

            batch.Add((pending.ExpiresAt, id));
            if (batch.Count == MaxPerCommand)
            {
                Write(pending.Frontend, batch);
                batch.Clear();
            }
        }

        foreach (var (frontend, batch) in batches)
        {
            Write(frontend, batch);
        }
    }

    public void Dispose()
    {
        _flush.Dispose();
        Flush();
    }

    private void Write(string frontend, List<(long ExpiresAt, string Id)> sessions)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var args = new List<RedisValue>(1 + (2 * sessions.Count)) { 0 };
        long longest = 0;
        foreach (var (expiresAt, id) in sessions)
        {
            if (expiresAt > now)
            {
                args.Add(expiresAt);
                args.Add(id);
                longest = Math.Max(longest, expiresAt - now);
            }
        }

        if (longest > 0)
        {
            args[0] = longest;
            Send(db => db.ScriptEvaluateAsync(RedisScripts.ActiveSessionAdd, [_keys.ActiveSessions(frontend)], [.. args], CommandFlags.FireAndForget));
        }
    }

    private void Send(Func<IDatabase, Task> command)
    {
        try
        {
            _ = command(_calls.Database);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Never fails the session write it follows: the count is off until the session's next touch or expiry.
        }
    }

    private sealed record Pending(string Frontend, long ExpiresAt);
}
