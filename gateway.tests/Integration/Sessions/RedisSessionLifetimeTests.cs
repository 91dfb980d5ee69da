using Bff.Redis;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Sessions;
using Bff.Tests.Support;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>Session deadlines with the run's shared Redis, where the key's TTL must follow them too.</summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class RedisSessionLifetimeTests : SessionLifetimeAcrossStores
{
    protected override bool UsesRedis => true;

    protected override (int IdleMs, int UseEveryMs) ShortIdle => (40_000, 15_000);

    protected override void AssertStoredTtl(string id, TimeSpan expected)
    {
        using var redis = ConnectionMultiplexer.Connect(SharedServers.GetRedisAsync().GetAwaiter().GetResult().ConnectionString);
        var ttl = redis.GetDatabase().KeyTimeToLive(RedisKeys.Default.Session(id));
        Assert.NotNull(ttl);
        // Redis counts the TTL down in real time since the gateway's last write; ten seconds of it only
        // stand for a stalled machine, not for the gateway's arithmetic.
        Assert.InRange(ttl.Value, expected - TimeSpan.FromSeconds(10), expected);
    }
}
