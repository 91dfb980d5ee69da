using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tokens;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Support;

/// <summary>
/// A <see cref="UserTokenManager"/> with its parts, as the container would wire them, for tests without one. An instance
/// holds the parts a token test starts from (a fake clock, a fake IdP, an in-memory store, the options they all read)
/// and makes managers over them, or over a store, lock or waiters of the test's own; <see cref="Create"/> wires given parts.
/// </summary>
internal sealed class TestUserTokenManager : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public TestUserTokenManager()
    {
        OptionsAccessor = Microsoft.Extensions.Options.Options.Create(Options);
        Metrics = new BffMetrics(_services.GetRequiredService<IMeterFactory>());
        Store = new InMemorySessionStore(OptionsAccessor, Time);
        Client = TestIdpTokenClient.Create(Idp, OptionsAccessor, Metrics, Time);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public FakeOidcProvider Idp { get; } = new();

    /// <summary>Read by every part made here, so a test may change a setting before it calls them.</summary>
    public BffOptions Options { get; } = new() { ClientId = "bff", ClientSecret = "secret" };

    public IOptions<BffOptions> OptionsAccessor { get; }

    public BffMetrics Metrics { get; }

    public InMemorySessionStore Store { get; }

    public IdpTokenClient Client { get; }

    /// <summary>A manager over these parts; <paramref name="store"/> (a wrapper of <see cref="Store"/>, say) replaces the store.</summary>
    public UserTokenManager Manager(ISessionStore? store = null, IRefreshLock? refreshLock = null, RefreshWaiters? waiters = null,
        IRefreshAttempts? attempts = null, ISecurityObserver? security = null) =>
        Create(store ?? Store, Client, OptionsAccessor, Metrics, Time, refreshLock, waiters, attempts, security);

    public void Dispose()
    {
        Idp.Dispose();
        _services.Dispose();
    }

    public static UserTokenManager Create(ISessionStore store, IdpTokenClient client, IOptions<BffOptions> options, BffMetrics metrics, TimeProvider time,
        IRefreshLock? refreshLock = null, RefreshWaiters? waiters = null, IRefreshAttempts? attempts = null, ISecurityObserver? security = null)
    {
        var revoker = new RefreshTokenRevoker(client, new InMemoryRevocationQueue(), time, metrics, NullLogger<RefreshTokenRevoker>.Instance);
        var terminator = new SessionTerminator(store, revoker, metrics, [], NullLogger<SessionTerminator>.Instance);
        var refresher = new StoredTokenRefresher(store, client, terminator, options, metrics, time, NullLogger<StoredTokenRefresher>.Instance, attempts: attempts, security: security);
        waiters ??= new RefreshWaiters();
        return new UserTokenManager(refresher, refreshLock ?? new InProcessRefreshLock(waiters), waiters, options, metrics, time, NullLogger<UserTokenManager>.Instance);
    }
}
