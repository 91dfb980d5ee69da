using Bff.Configuration;
using Bff.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Which sessions belong to a user and to an IdP session: sorted sets of session ids scored by absolute deadline,
/// keyed by a hash of the subject or <c>sid</c>. They live in other Redis Cluster slots than the sessions, so they
/// are kept up to date with commands of their own and cleaned as they are used: entries past their absolute deadline
/// go whenever an index is read or added to; entries whose session is gone or idle go whenever an index is read, and
/// when an addition finds it over <c>Bff:Session:MaxSessionsPerUser</c>.
/// </summary>
internal sealed class RedisSessionIndex(RedisSessionCalls calls, RedisKeys keys, IOptions<BffOptions> options, TimeProvider time)
{
    // Sessions judged per round trip, and index entries read per ZSCAN page.
    private const int Batch = 256;

    private static readonly RedisValue[] DeadlineFields = ["seen", "abs", "idle"];

    private readonly BffSessionOptions _session = options.Value.Session;

    /// <summary>
    /// Indexes a new session; the ids of its user's oldest live sessions beyond the bound (never the new one), oldest
    /// first, for the caller to end.
    /// </summary>
    public async Task<IReadOnlyList<string>> AddAsync(BffSession session, string subjectHash, string idpSessionHash, CancellationToken cancellationToken)
    {
        var live = await AddAsync(keys.SubjectIndex(subjectHash), session, cancellationToken);
        if (idpSessionHash.Length > 0)
        {
            // Only pruned: the user's bound is kept by the user's index.
            await AddAsync(keys.IdpSessionIndex(idpSessionHash), session, cancellationToken);
        }

        var over = live.Count - _session.MaxSessionsPerUser;
        return over <= 0 ? [] : live.Where(id => id != session.Id).Take(over).ToArray();
    }

    public Task<IReadOnlyList<string>> OfSubjectAsync(string subject, CancellationToken cancellationToken) =>
        ReadAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), cancellationToken);

    public Task<IReadOnlyList<string>> OfIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        ReadAsync(keys.IdpSessionIndex(RedisKeys.Hash(idpSessionId)), cancellationToken);

    /// <summary>Drops a session from the indexes named by the hashes stored with it.</summary>
    public async Task RemoveAsync(string id, string subjectHash, string? idpSessionHash, CancellationToken cancellationToken)
    {
        await RemoveAsync(keys.SubjectIndex(subjectHash), [id], cancellationToken);
        if (!string.IsNullOrEmpty(idpSessionHash))
        {
            await RemoveAsync(keys.IdpSessionIndex(idpSessionHash), [id], cancellationToken);
        }
    }

    public Task RemoveFromSubjectAsync(string subject, string id, CancellationToken cancellationToken) =>
        RemoveAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), [id], cancellationToken);

    // The live entries (all of them, oldest first) when the index has grown beyond the bound; none otherwise.
    private async Task<IReadOnlyList<string>> AddAsync(RedisKey index, BffSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var absoluteTtl = (long)Math.Ceiling((session.AbsoluteExpiresAt - now).TotalMilliseconds);
        RedisValue[] args =
        [
            session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(),
            session.Id,
            absoluteTtl,
            now.ToUnixTimeMilliseconds(),
            _session.MaxSessionsPerUser,
        ];
        var entries = (RedisValue[])(await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionIndexAdd, [index], args), "index", cancellationToken))!;
        return entries.Length == 0 ? [] : await LiveAsync(index, entries.Select(e => e.ToString()).ToArray(), cancellationToken);
    }

    private async Task<IReadOnlyList<string>> ReadAsync(RedisKey index, CancellationToken cancellationToken)
    {
        // Entries are scored by absolute deadline: those past it are stragglers whatever else happened.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await calls.GuardAsync(calls.Database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, now), "index", cancellationToken);
        // ZSCAN rather than ranks: it returns every entry present from start to end even while sessions end meanwhile.
        var members = await calls.GuardAsync(ScanAsync(index), "index", cancellationToken);
        return await LiveAsync(index, members, cancellationToken);
    }

    private async Task<string[]> ScanAsync(RedisKey index)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in calls.Database.SortedSetScanAsync(index, pageSize: Batch))
        {
            members.Add(entry.Element.ToString());
        }

        return [.. members];
    }

    /// <summary>
    /// The ids whose session exists and is within its deadlines on this instance's clock, in the order given; the
    /// others are dropped from <paramref name="index"/>.
    /// </summary>
    private async Task<IReadOnlyList<string>> LiveAsync(RedisKey index, string[] ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var topLevelIdle = (long)_session.IdleTimeout.TotalMilliseconds;
        var live = new List<string>(ids.Length);
        var dead = new List<RedisValue>();
        foreach (var batch in ids.Chunk(Batch))
        {
            var reads = batch.Select(id => calls.Database.HashGetAsync(keys.Session(id), DeadlineFields)).ToArray();
            var deadlines = await calls.GuardAsync(RedisBatchReplies.AllAsync(reads), "index", cancellationToken);
            for (var i = 0; i < batch.Length; i++)
            {
                var (seen, abs, idle) = (deadlines[i][0], deadlines[i][1], deadlines[i][2]);
                if (!seen.IsNull && !abs.IsNull && now < Math.Min((long)seen + (idle.IsNull ? topLevelIdle : (long)idle), (long)abs))
                {
                    live.Add(batch[i]);
                }
                else
                {
                    dead.Add(batch[i]);
                }
            }
        }

        if (dead.Count > 0)
        {
            await RemoveAsync(index, [.. dead], cancellationToken);
        }

        return live;
    }

    private async Task RemoveAsync(RedisKey index, RedisValue[] ids, CancellationToken cancellationToken)
    {
        try
        {
            await calls.GuardAsync(calls.Database.SortedSetRemoveAsync(index, ids), "index", cancellationToken);
        }
        catch (SessionStoreUnavailableException)
        {
            // The sessions themselves are gone; a stale index entry is dropped the next time the index is read.
        }
    }
}
