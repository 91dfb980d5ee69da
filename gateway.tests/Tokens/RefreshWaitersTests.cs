using Bff.Configuration;
using Bff.Idp;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Tokens;

/// <summary>
/// A session's waiters are kept only while someone waits: no pub/sub message comes in in-memory mode, nor for a
/// session that ends by its TTL, so nothing but the waiters leaving may be what removes them.
/// </summary>
public sealed class RefreshWaitersTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeOidcProvider? _idp;
    private readonly IOptions<BffOptions> _options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly InMemorySessionStore _store;
    private readonly RefreshWaiters _waiters = new();

    // Started only by the tests that refresh.
    private FakeOidcProvider Idp => _idp ??= new();

    public RefreshWaitersTests()
    {
        _store = new InMemorySessionStore(_options, _time);
    }

    public void Dispose()
    {
        _idp?.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task Refreshes_InMemoryMode_LeaveNoWaiterBehind()
    {
        var manager = Manager(new InProcessRefreshLock());
        var sessions = await SeedAsync(10);
        Idp.RespondTokens("at-2", "rt-2");

        var results = await Task.WhenAll(sessions.Select(s => manager.GetAsync(s, default).AsTask()));

        Assert.All(results, r => Assert.Equal("at-2", r.Session!.Tokens.AccessToken));
        // A flight's requests get its result before the flight itself is done (it still releases the lock and leaves).
        await Eventually.TrueAsync(() => _waiters.Count == 0, TimeSpan.FromSeconds(10), "every flight to leave its waiters");
    }

    [Fact]
    public async Task WaitsThatTimeOut_LeaveNoWaiterBehind()
    {
        // Another instance holds every refresh lock and never saves: each wait runs to its deadline.
        var manager = Manager(new HeldElsewhere());
        var sessions = await SeedAsync(50);

        var waits = Task.WhenAll(sessions.Select(s => manager.GetAsync(s, default).AsTask()));
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return waits.IsCompleted;
        }, TimeSpan.FromSeconds(30), "the waits to reach their deadline");

        await waits;
        Assert.Equal(0, _waiters.Count);
    }

    [Fact]
    public async Task Signal_WakesEveryWaiterOfTheSession_AndOnlyThem()
    {
        using var first = _waiters.Register("s1");
        using var second = _waiters.Register("s1");
        using var other = _waiters.Register("s2");

        _waiters.OnSessionChanged("s1");

        await first.Task;
        await second.Task;
        Assert.False(other.Task.IsCompleted);
        Assert.Equal(1, _waiters.Count);
    }

    [Fact]
    public void LastWaiterLeaving_RemovesTheSession_EarlierOnesDoNot()
    {
        var first = _waiters.Register("s1");
        var second = _waiters.Register("s1");

        first.Dispose();
        Assert.Equal(1, _waiters.Count);
        _waiters.OnSessionChanged("s1");
        Assert.True(second.Task.IsCompleted);

        second.Dispose();
        Assert.Equal(0, _waiters.Count);
    }

    [Fact]
    public void WaiterOfASignalledSession_LeavingLate_LeavesTheNextWaitersAlone()
    {
        var late = _waiters.Register("s1");
        _waiters.OnSessionChanged("s1");
        using var next = _waiters.Register("s1");

        late.Dispose();

        Assert.False(next.Task.IsCompleted);
        _waiters.OnSessionChanged("s1");
        Assert.True(next.Task.IsCompleted);
    }

    private UserTokenManager Manager(IRefreshLock refreshLock)
    {
        var metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var client = TestIdpTokenClient.Create(Idp, _options, metrics, _time);
        return TestUserTokenManager.Create(_store, client, _options, metrics, _time, refreshLock, _waiters);
    }

    private async Task<BffSession[]> SeedAsync(int count)
    {
        var now = _time.GetUtcNow();
        var sessions = new BffSession[count];
        for (var i = 0; i < count; i++)
        {
            sessions[i] = TestSessions.New("alice", now) with
            {
                Id = "s" + i,
                Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(30)),
                AbsoluteExpiresAt = now.AddHours(8),
            };
            await _store.CreateAsync(sessions[i], default);
        }

        return sessions;
    }

    private sealed class HeldElsewhere : IRefreshLock
    {
        public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) =>
            Task.FromResult<IAsyncDisposable?>(null);
    }
}
