using Bff.Tests.Integration.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace Bff.Tests.Integration.InfrastructureTests;

[Trait("Category", "Integration")]
public sealed class RedisServerTests
{
    [Fact]
    public async Task Starts_answers_ping_dies_on_kill_and_comes_back_on_the_same_port()
    {
        await using var redis = await RedisServer.StartAsync();
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        Assert.True(redis.IsRunning);

        await using (var connection = await ConnectAsync(redis))
        {
            await connection.GetDatabase().PingAsync();
            await connection.GetDatabase().StringSetAsync("k", "v");
        }

        var firstPid = redis.Pid;
        await redis.KillAsync();
        Assert.False(redis.IsRunning);
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectAsync(redis));

        await redis.RestartAsync();
        Assert.True(redis.IsRunning);
        Assert.NotEqual(firstPid, redis.Pid);
        await using (var connection = await ConnectAsync(redis))
        {
            await connection.GetDatabase().PingAsync();
            // Nothing is persisted: a restart is an empty Redis.
            Assert.False(await connection.GetDatabase().KeyExistsAsync("k"));
        }
    }

    [Fact]
    public async Task Dispose_kills_the_daemon()
    {
        var redis = await RedisServer.StartAsync();
        var pid = redis.Pid;
        Assert.True(File.Exists($"/proc/{pid}/stat"));

        await redis.DisposeAsync();

        Assert.False(redis.IsRunning);
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectAsync(redis));
    }

    [Fact]
    public async Task Two_servers_get_different_ports()
    {
        await using var a = await RedisServer.StartAsync();
        await using var b = await RedisServer.StartAsync();
        Assert.NotEqual(a.Port, b.Port);
        Assert.NotEqual(a.Pid, b.Pid);
    }

    [Fact]
    public async Task The_shared_server_cannot_be_killed_by_a_test()
    {
        var shared = await SharedServers.GetRedisAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => shared.KillAsync());
        await shared.DisposeAsync();
        Assert.True(shared.IsRunning);
        Assert.Same(shared, await SharedServers.GetRedisAsync());
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(RedisServer redis)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.ConnectRetry = 0;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
