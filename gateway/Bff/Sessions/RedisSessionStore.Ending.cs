using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>Ending sessions (on their own connection when replicas must confirm it) and finding the sessions to end.</summary>
internal sealed partial class RedisSessionStore
{
    public async Task<BffSession?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        RedisValue[] args = [_invalidationChannelName, InvalidationMessage(id)];
        RedisKey[] scriptKeys = [keys.Session(id)];
        RedisResult result;
        if (revocations is { Enabled: true })
        {
            health.ThrowIfUnavailable();
            result = await revocations.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.SessionDelete, scriptKeys, args), cancellationToken);
        }
        else
        {
            result = await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionDelete, scriptKeys, args), "delete", cancellationToken);
        }

        cache.Invalidate(id);
        if (result.IsNull)
        {
            return null;
        }

        var f = (RedisValue[])result!;
        await index.RemoveAsync(id, f[5]!, f[6], cancellationToken);
        var ended = f[0].IsNull || f[1].IsNull || f[2].IsNull || f[3].IsNull ? null
            : await DecodeAsync(id, SessionFormat.Of(f[7]), (byte[])f[0]!, (byte[])f[1]!, (long)f[2], DateTimeOffset.FromUnixTimeMilliseconds((long)f[3]), cancellationToken, deleteIfUnreadable: false);
        active.Remove(id, ended);
        return ended;
    }

    public Task<long> CountActiveAsync(string frontend, CancellationToken cancellationToken) => active.CountAsync(frontend, cancellationToken);

    public async Task<bool> ConfirmEndedAsync(string id, CancellationToken cancellationToken)
    {
        if (revocations is not { Enabled: true })
        {
            return true;
        }

        var (confirmed, replicas) = await revocations.ConfirmAsync(keys.Session(id), cancellationToken);
        if (!confirmed)
        {
            LogNotReplicated(logger, id, replicas, _options.Session.RevocationReplicas);
        }

        return confirmed;
    }

    public async Task<IReadOnlyList<BffSession>> ListBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        var ids = await index.OfSubjectAsync(subject, cancellationToken);
        var sessions = new List<BffSession>(ids.Count);
        foreach (var id in ids)
        {
            var session = await GetFreshAsync(id, cancellationToken);
            if (session is null)
            {
                await index.RemoveFromSubjectAsync(subject, id, cancellationToken);
            }
            else if (session.Subject == subject)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public Task<IReadOnlyList<string>> FindByIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        index.OfIdpSessionAsync(idpSessionId, cancellationToken);

    [LoggerMessage(EventId = BffEventIds.RevocationNotReplicated, Level = LogLevel.Warning,
        Message = "The end of session {SessionId} reached {Replicas} Redis replicas, not the {Required} of Bff:Session:RevocationReplicas; the request that ended it failed")]
    private static partial void LogNotReplicated(ILogger logger, string sessionId, long replicas, int required);
}
