using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// One gateway instance's session machinery (store, cache, invalidation listener) on its own Redis
/// connections, in the test process, so tests can reach inside: what it cached, when it noticed.
/// </summary>
internal sealed class StoreInstance : IAsyncDisposable
{
    private readonly SessionInvalidationListener _listener;

    private StoreInstance(ConnectionMultiplexer redis, SessionProtector protector, BffOptions options)
    {
        Redis = redis;
        var wrapped = Options.Create(options);
        Cache = new SessionCache(wrapped, TimeProvider.System);
        Health = new SessionStoreHealth();
        Store = TestRedisSessionStore.Create(redis, protector, Cache, Health, wrapped);
        _listener = new SessionInvalidationListener(redis, RedisKeys.Default, Cache, Health, [new RefreshWaiters()], wrapped, TimeProvider.System,
            NullLogger<SessionInvalidationListener>.Instance);
    }

    public ConnectionMultiplexer Redis { get; }

    public SessionCache Cache { get; }

    public SessionStoreHealth Health { get; }

    public RedisSessionStore Store { get; }

    /// <param name="provider">Data Protection to decrypt with (a counting wrapper, say); the test key ring's by default.</param>
    public static async Task<StoreInstance> StartAsync(string connectionString, TestDataProtection protection, BffOptions options,
        IDataProtectionProvider? provider = null)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.AsyncTimeout = 1000;
        configuration.SyncTimeout = 1000;
        configuration.ConnectTimeout = 1000;
        var protector = new SessionProtector(provider ?? protection.Provider, protection.Gate);
        var instance = new StoreInstance(await ConnectionMultiplexer.ConnectAsync(configuration), protector, options);
        await instance._listener.StartAsync(default);
        await Eventually.TrueAsync(() => instance.Cache.IsEnabled, TimeSpan.FromSeconds(10), "the cache to be confirmed by a ping");
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.StopAsync(default);
        _listener.Dispose();
        await Redis.DisposeAsync();
    }
}
