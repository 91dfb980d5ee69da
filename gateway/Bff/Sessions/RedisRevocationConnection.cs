using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Where sessions are deleted when <c>Bff:Session:RevocationReplicas</c> is set: a Redis connection of its own, on
/// which each deletion is followed by <c>WAIT</c>. WAIT counts the writes of the connection it is sent on, and blocks
/// that connection until the replicas acknowledge or it times out; on the shared connection one lagging replica
/// would hold up every request's Redis call, here it holds up only other revocations.
/// </summary>
internal sealed class RedisRevocationConnection : IDisposable
{
    private readonly IConnectionMultiplexer? _connection;
    private readonly int _replicas;
    private readonly TimeSpan _timeout;
    private readonly BffMetrics _metrics;

    public RedisRevocationConnection(string configuration, IOptions<BffOptions> options, BffMetrics metrics)
    {
        _metrics = metrics;
        var value = options.Value;
        _replicas = value.Session.RevocationReplicas;
        _timeout = value.SessionStoreTimeout;
        if (_replicas > 0)
        {
            // Longer than WAIT's own timeout, so WAIT answers with its count rather than the client giving up first;
            // and room for a deletion queued behind another revocation's WAIT.
            _connection = RedisConnection.Connect(configuration, _timeout * 3);
        }
    }

    /// <summary>Whether deletions go through this connection and wait for replicas.</summary>
    public bool Enabled => _connection is not null;

    /// <summary>
    /// Runs a deletion on this connection. A failure fails the request that ended the session, but does not mark the
    /// store down: the shared connection judges that, and a deletion here may only have waited behind a slow WAIT.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _metrics.TimeRedisAsync(call(_connection!.GetDatabase()), "replicated_delete", _timeout * 3, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("Session store delete failed.", ex);
        }
    }

    /// <summary>
    /// Whether enough replicas have every write this connection made so far (the deletion of <paramref name="key"/>
    /// among them), after waiting up to <c>Bff:SessionStoreTimeout</c>; and how many did.
    /// </summary>
    public async Task<(bool Confirmed, long Replicas)> ConfirmAsync(RedisKey key, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            return (true, 0);
        }

        try
        {
            // WAIT goes to the primary that holds the key: the one this connection wrote the deletion to.
            var endpoint = await _connection.GetDatabase().IdentifyEndpointAsync(key);
            var server = endpoint is null ? _connection.GetServers().First(s => !s.IsReplica) : _connection.GetServer(endpoint);
            var acknowledged = (long)await server.ExecuteAsync("WAIT", _replicas, (long)_timeout.TotalMilliseconds).WaitAsync(_timeout * 3, cancellationToken);
            return (acknowledged >= _replicas, acknowledged);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            return (false, 0);
        }
    }

    public void Dispose() => _connection?.Dispose();
}
