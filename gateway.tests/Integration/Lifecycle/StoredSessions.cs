using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// Reads what the gateways keep in a Redis, decrypting with their Data Protection key ring (kept in the same
/// Redis): how a test learns a session's refresh token, to ask the IdP about it, without the gateway ever
/// showing one.
/// </summary>
internal sealed class StoredSessions : IDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly ServiceProvider _services;
    private readonly SessionProtector _protector;

    public StoredSessions(RedisServer redis)
    {
        _redis = ConnectionMultiplexer.Connect(redis.ConnectionString);
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Bff").PersistKeysToStackExchangeRedis(_redis, "bff:dp:keys");
        _services = services.BuildServiceProvider();
        _protector = new SessionProtector(_services.GetRequiredService<IDataProtectionProvider>());
    }

    public IDatabase Database => _redis.GetDatabase();

    public async Task<SessionTokens?> TokensAsync(string sessionId)
    {
        var value = await Database.HashGetAsync(SessionKeys.Session(sessionId), "t");
        return value.IsNull ? null : _protector.UnprotectTokens((byte[])value!);
    }

    public void Dispose()
    {
        _services.Dispose();
        _redis.Dispose();
    }
}
