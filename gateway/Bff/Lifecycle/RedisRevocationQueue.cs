using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Lifecycle;

/// <summary>
/// The revocation queue in Redis: a sorted set of ids scored by due time (unix ms) and a hash of the items,
/// encrypted with Data Protection like every token at rest. Both keys share a hash tag, so each script
/// touches one Redis Cluster slot. Claiming pushes an item's score to the end of its lease rather than
/// removing it, so an instance that dies mid-revocation hands it back instead of losing it.
/// </summary>
internal sealed partial class RedisRevocationQueue(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IDataProtectionProvider dataProtection,
    IOptions<BffOptions> options,
    ILogger<RedisRevocationQueue> logger,
    BffMetrics metrics) : IRevocationQueue
{
    internal const int MaxItems = 100_000;

    private readonly RedisKey[] _keys = [keys.RevocationQueue, keys.RevocationItems];

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bff.Revocation.v1");
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        await metrics.TimeRedisAsync(redis.GetDatabase().SortedSetLengthAsync(keys.RevocationQueue), "revocation_queue.count", _timeout, cancellationToken);

    public async Task<bool> EnqueueAsync(PendingRevocation item, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var payload = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(item, RevocationJsonContext.Default.PendingRevocation));
        var result = await Guard(Database.ScriptEvaluateAsync(RedisScripts.RevocationEnqueue, _keys,
            [item.Id, payload, dueAt.ToUnixTimeMilliseconds(), MaxItems]), "revocation_queue.enqueue", cancellationToken);
        return (long)result == 1;
    }

    public async Task<IReadOnlyList<PendingRevocation>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var result = await Guard(Database.ScriptEvaluateAsync(RedisScripts.RevocationClaim, _keys,
            [now.ToUnixTimeMilliseconds(), max, (now + lease).ToUnixTimeMilliseconds()]), "revocation_queue.claim", cancellationToken);

        var pairs = (RedisValue[])result!;
        var items = new List<PendingRevocation>(pairs.Length / 2);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if (Decode((byte[])pairs[i + 1]!) is { } item)
            {
                items.Add(item);
            }
            else
            {
                await CompleteAsync(pairs[i]!, cancellationToken);
            }
        }

        return items;
    }

    public Task CompleteAsync(string id, CancellationToken cancellationToken) =>
        Guard(Database.ScriptEvaluateAsync(RedisScripts.RevocationComplete, _keys, [id]), "revocation_queue.complete", cancellationToken);

    private PendingRevocation? Decode(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(_protector.Unprotect(payload), RevocationJsonContext.Default.PendingRevocation);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            // A key ring that lost the key: the token can never be read back, so the item is dropped.
            LogUnreadable(logger, ex.GetType().Name);
            return null;
        }
    }

    private IDatabase Database => redis.GetDatabase();

    private async Task<RedisResult> Guard(Task<RedisResult> call, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await metrics.TimeRedisAsync(call, operation, _timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("The revocation queue is unavailable.", ex);
        }
    }

    [LoggerMessage(EventId = BffEventIds.RevocationUnreadable, Level = LogLevel.Warning, Message = "A queued revocation could not be decrypted ({Reason}); dropped")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
