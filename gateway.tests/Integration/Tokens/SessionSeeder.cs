using Bff.Configuration;
using Bff.Idp;
using Bff.Sessions;
using Bff.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// Writes a session into Redis exactly as a gateway would, with the key ring the gateways share there,
/// so tests can start from a session in a chosen state (an expired access token, a known refresh token)
/// that a real IdP would not hand out on demand.
/// </summary>
internal sealed class SessionSeeder : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly TestDataProtection _keyRing;
    private readonly RedisSessionStore _store;
    private readonly SessionCookie _cookie;

    private SessionSeeder(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _keyRing = TestDataProtection.InRedis(redis);
        var options = Options.Create(new BffOptions());
        _cookie = _keyRing.Cookie();
        _store = TestRedisSessionStore.Create(redis, _keyRing.SessionProtector(), new SessionCache(options, TimeProvider.System),
            new SessionStoreHealth(), options);
    }

    public static async Task<SessionSeeder> ConnectAsync(string redisConnectionString) =>
        new(await ConnectionMultiplexer.ConnectAsync(redisConnectionString));

    public IDatabase Database => _redis.GetDatabase();

    /// <summary>Creates a session for <paramref name="subject"/> and returns its id and the cookie header value.</summary>
    public async Task<(string Id, string Cookie)> CreateAsync(string subject, string accessToken, string refreshToken, DateTimeOffset accessTokenExpiresAt)
    {
        var (session, secret) = TestSessions.NewWithSecret(subject);
        session = session with { Tokens = new TokenSet(accessToken, refreshToken, accessTokenExpiresAt) };
        await _store.CreateAsync(session, default);
        return (session.Id, "__Host-bff=" + _cookie.Protect(secret));
    }

    /// <summary>
    /// Adds a key to the shared ring, active now, as another instance rotating keys would: sessions created
    /// afterwards are protected with a key that running gateways have not loaded yet.
    /// </summary>
    public void AddKeyToRing()
    {
        var now = DateTimeOffset.UtcNow;
        _keyRing.KeyManager.CreateNewKey(now, now.AddDays(90));
    }

    public Task<BffSession?> ReadAsync(string id) => _store.GetFreshAsync(id, default);

    public async ValueTask DisposeAsync()
    {
        _keyRing.Dispose();
        await _redis.DisposeAsync();
    }
}
