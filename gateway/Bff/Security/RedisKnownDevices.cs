using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Security;

/// <summary>
/// Known devices in Redis, shared by every instance: a key per (subject, device) and one per subject, both expiring
/// a window after the last login (<see cref="RedisScripts.KnownDeviceRemember"/>). Named by hashes, so Redis holds
/// neither the subject nor the address.
/// </summary>
internal sealed class RedisKnownDevices(IConnectionMultiplexer redis, RedisKeys keys, IOptions<BffOptions> options, BffMetrics metrics) : IKnownDevices
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;
    private readonly long _ttlMs = (long)options.Value.Security.NewDeviceWindow.TotalMilliseconds;

    public async Task<DeviceNovelty> RememberAsync(string subject, string device, CancellationToken cancellationToken)
    {
        var subjectHash = RedisKeys.Hash(subject);
        var result = await metrics.TimeRedisAsync(redis.GetDatabase().ScriptEvaluateAsync(
                RedisScripts.KnownDeviceRemember,
                [keys.KnownDevice(subjectHash, RedisKeys.Hash(device)), keys.KnownSubject(subjectHash)],
                [_ttlMs]),
            "known_device.remember", _timeout, cancellationToken);
        return (int)result switch
        {
            0 => DeviceNovelty.Known,
            1 => DeviceNovelty.New,
            _ => DeviceNovelty.FirstForSubject,
        };
    }
}
