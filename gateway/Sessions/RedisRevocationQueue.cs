using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// The revocation queue in Redis: a sorted set of ids scored by due time (unix ms) and a hash of the items,
/// encrypted with Data Protection like every token at rest. Both keys share a hash tag, so each script
/// touches one Redis Cluster slot. Claiming pushes an item's score to the end of its lease rather than
/// removing it, so an instance that dies mid-revocation hands it back instead of losing it.
/// </summary>
internal sealed partial class RedisRevocationQueue(
    IConnectionMultiplexer redis,
    IDataProtectionProvider dataProtection,
    IOptions<BffOptions> options,
    ILogger<RedisRevocationQueue> logger) : IRevocationQueue
{
    internal const int MaxItems = 100_000;

    internal static readonly RedisKey QueueKey = "bff:rv:{q}";
    internal static readonly RedisKey ItemsKey = "bff:rv:{q}:items";

    private static readonly LuaScript EnqueueScript = LuaScript.Prepare("""
        if redis.call('HEXISTS', @items, @id) == 0 and redis.call('HLEN', @items) >= tonumber(@max) then return 0 end
        redis.call('HSET', @items, @id, @payload)
        redis.call('ZADD', @queue, @due, @id)
        return 1
        """);

    private static readonly LuaScript ClaimScript = LuaScript.Prepare("""
        local ids = redis.call('ZRANGEBYSCORE', @queue, '-inf', @now, 'LIMIT', 0, @max)
        local out = {}
        for _, id in ipairs(ids) do
          local payload = redis.call('HGET', @items, id)
          if payload then
            redis.call('ZADD', @queue, @leaseUntil, id)
            out[#out + 1] = id
            out[#out + 1] = payload
          else
            redis.call('ZREM', @queue, id)
          end
        end
        return out
        """);

    private static readonly LuaScript CompleteScript = LuaScript.Prepare("""
        redis.call('ZREM', @queue, @id)
        redis.call('HDEL', @items, @id)
        return 1
        """);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Bff.Revocation.v1");
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public async Task<bool> EnqueueAsync(PendingRevocation item, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var payload = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(item, RevocationJsonContext.Default.PendingRevocation));
        var result = await Guard(Database.ScriptEvaluateAsync(EnqueueScript, new
        {
            queue = QueueKey,
            items = ItemsKey,
            id = item.Id,
            payload = (RedisValue)payload,
            due = dueAt.ToUnixTimeMilliseconds(),
            max = MaxItems,
        }), cancellationToken);
        return (long)result == 1;
    }

    public async Task<IReadOnlyList<PendingRevocation>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var result = await Guard(Database.ScriptEvaluateAsync(ClaimScript, new
        {
            queue = QueueKey,
            items = ItemsKey,
            now = now.ToUnixTimeMilliseconds(),
            max,
            leaseUntil = (now + lease).ToUnixTimeMilliseconds(),
        }), cancellationToken);

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
        Guard(Database.ScriptEvaluateAsync(CompleteScript, new { queue = QueueKey, items = ItemsKey, id }), cancellationToken);

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

    private async Task<RedisResult> Guard(Task<RedisResult> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(_timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("The revocation queue is unavailable.", ex);
        }
    }

    [LoggerMessage(EventId = 1715, Level = LogLevel.Warning, Message = "A queued revocation could not be decrypted ({Reason}); dropped")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
