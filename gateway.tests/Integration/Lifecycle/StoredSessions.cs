using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
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
    private readonly TestDataProtection _keyRing;
    private readonly SessionProtector _protector;

    public StoredSessions(RedisServer redis)
    {
        _redis = ConnectionMultiplexer.Connect(redis.ConnectionString);
        _keyRing = TestDataProtection.InRedis(_redis);
        _protector = _keyRing.SessionProtector();
    }

    public IDatabase Database => _redis.GetDatabase();

    public async Task<TokenSet?> TokensAsync(string sessionId)
    {
        var value = await Database.HashGetAsync(RedisKeys.Default.Session(sessionId), "t");
        return value.IsNull ? null : await _protector.UnprotectTokensAsync(sessionId, (byte[])value!, default);
    }

    public void Dispose()
    {
        _keyRing.Dispose();
        _redis.Dispose();
    }
}
