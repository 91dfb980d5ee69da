using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Support;

/// <summary>A <see cref="RedisSessionStore"/> with its parts, as the container would wire them, for tests without one.</summary>
internal static class TestRedisSessionStore
{
    public static RedisSessionStore Create(
        IConnectionMultiplexer redis,
        SessionProtector protector,
        SessionCache cache,
        SessionStoreHealth health,
        IOptions<BffOptions> options,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var calls = new RedisSessionCalls(redis, cache, health, options, new Bff.Telemetry.BffMetrics(new TestMeterFactory()), NullLogger<RedisSessionCalls>.Instance);
        return new RedisSessionStore(calls, new RedisSessionIndex(calls, RedisKeys.Default, options, time),
            new RedisActiveSessions(calls, RedisKeys.Default, options, time), RedisKeys.Default, protector, cache, health,
            options, time, NullLogger<RedisSessionStore>.Instance);
    }
}
