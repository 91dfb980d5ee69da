namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// One Redis and one dev IdP for the whole test run, started on first use, so most tests do not pay
/// their start-up. They are shared: a test that kills, restarts, flushes or counts keys in Redis, or
/// needs other IdP settings (token lifetimes, a back-channel logout URI), starts its own. Disposing
/// them, killing or restarting them throws or does nothing; they die with the test host.
/// </summary>
public sealed class SharedServers
{
    private static readonly Lazy<Task<RedisServer>> LazyRedis = new(async () =>
    {
        var redis = await RedisServer.StartAsync();
        redis.IsShared = true;
        return redis;
    });

    private static readonly Lazy<Task<DevIdp>> LazyIdp = new(async () =>
    {
        var idp = await DevIdp.StartAsync();
        idp.IsShared = true;
        return idp;
    });

    private SharedServers(RedisServer redis, DevIdp idp)
    {
        Redis = redis;
        Idp = idp;
    }

    public RedisServer Redis { get; }

    public DevIdp Idp { get; }

    public static async Task<SharedServers> GetAsync()
    {
        var redis = LazyRedis.Value;
        var idp = LazyIdp.Value;
        return new SharedServers(await redis, await idp);
    }

    /// <summary>Only the Redis, for tests that need no IdP.</summary>
    public static Task<RedisServer> GetRedisAsync() => LazyRedis.Value;

    public static Task<DevIdp> GetIdpAsync() => LazyIdp.Value;
}
