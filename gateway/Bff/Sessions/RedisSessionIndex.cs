using Bff.Redis;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Which sessions belong to a user and to an IdP session: sorted sets of session ids scored by absolute deadline,
/// keyed by a hash of the subject or <c>sid</c>. They live in other Redis Cluster slots than the sessions, so they
/// are kept up to date with commands of their own and cleaned lazily: entries past their deadline go whenever an
/// index is read, and an entry whose session is gone when the caller finds it so.
/// </summary>
internal sealed class RedisSessionIndex(RedisSessionCalls calls, RedisKeys keys, TimeProvider time)
{
    internal const int MaxSessionsPerUser = 1000;

    public async Task AddAsync(BffSession session, string subjectHash, string idpSessionHash, CancellationToken cancellationToken)
    {
        var absoluteTtl = (long)Math.Ceiling((session.AbsoluteExpiresAt - time.GetUtcNow()).TotalMilliseconds);
        RedisValue[] args = [session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), session.Id, absoluteTtl];
        await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionIndexAdd, [keys.SubjectIndex(subjectHash)], args), "index", cancellationToken);
        if (idpSessionHash.Length > 0)
        {
            await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionIndexAdd, [keys.IdpSessionIndex(idpSessionHash)], args), "index", cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> OfSubjectAsync(string subject, CancellationToken cancellationToken) =>
        ReadAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), cancellationToken);

    public Task<IReadOnlyList<string>> OfIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        ReadAsync(keys.IdpSessionIndex(RedisKeys.Hash(idpSessionId)), cancellationToken);

    /// <summary>Drops a session from the indexes named by the hashes stored with it.</summary>
    public async Task RemoveAsync(string id, string subjectHash, string? idpSessionHash, CancellationToken cancellationToken)
    {
        await RemoveAsync(keys.SubjectIndex(subjectHash), id, cancellationToken);
        if (!string.IsNullOrEmpty(idpSessionHash))
        {
            await RemoveAsync(keys.IdpSessionIndex(idpSessionHash), id, cancellationToken);
        }
    }

    public Task RemoveFromSubjectAsync(string subject, string id, CancellationToken cancellationToken) =>
        RemoveAsync(keys.SubjectIndex(RedisKeys.Hash(subject)), id, cancellationToken);

    private async Task<IReadOnlyList<string>> ReadAsync(RedisKey index, CancellationToken cancellationToken)
    {
        // Entries are scored by absolute deadline: those past it are stragglers whatever else happened.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await calls.GuardAsync(calls.Database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, now), "index", cancellationToken);
        var members = await calls.GuardAsync(calls.Database.SortedSetRangeByRankAsync(index, 0, MaxSessionsPerUser - 1), "index", cancellationToken);
        return members.Select(m => m.ToString()).ToArray();
    }

    private async Task RemoveAsync(RedisKey index, string id, CancellationToken cancellationToken)
    {
        try
        {
            await calls.GuardAsync(calls.Database.SortedSetRemoveAsync(index, id), "index", cancellationToken);
        }
        catch (SessionStoreUnavailableException)
        {
            // The session itself is gone; a stale index entry is dropped the next time the index is read.
        }
    }
}
