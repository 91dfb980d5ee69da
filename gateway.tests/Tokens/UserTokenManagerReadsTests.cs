using Bff.Idp;
using Bff.Sessions;
using Bff.Tests.Support;
using Bff.Tokens;

namespace Bff.Tests.Tokens;

/// <summary>
/// What one refresh flight costs the store: the session is read once, under the lock, and the refresh starts from
/// that very read; a flight that waited for another holder reads after the release and takes what it saved.
/// </summary>
public sealed class UserTokenManagerReadsTests : IDisposable
{
    private readonly TestUserTokenManager _parts = new();
    private readonly CountingStore _counting;
    private readonly RefreshWaiters _waiters = new();
    private readonly InProcessRefreshLock _lock;
    private readonly UserTokenManager _manager;

    public UserTokenManagerReadsTests()
    {
        _counting = new CountingStore(_parts.Store);
        _lock = new InProcessRefreshLock(_waiters);
        _manager = _parts.Manager(_counting, _lock, _waiters);
    }

    public void Dispose() => _parts.Dispose();

    [Fact]
    public async Task Refresh_ReadsTheSessionOnce()
    {
        var session = await SeedAsync();
        _parts.Idp.RespondTokens("at-2", "rt-2");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Single(_parts.Idp.TokenRequests);
        Assert.Equal(1, _counting.FreshReads);
    }

    [Fact]
    public async Task LockHeldByAnotherWhoSaves_TakesWhatItSaved_WithoutAskingTheIdp()
    {
        var session = await SeedAsync();
        _parts.Idp.RespondTokens("at-3", "rt-3");
        var other = await _lock.TryAcquireAsync("s1", default);

        var pending = _manager.GetAsync(session, default).AsTask();
        await _parts.Store.TryUpdateTokensAsync("s1", session.Version, new TokenSet("at-2", "rt-2", _parts.Time.GetUtcNow().AddMinutes(5)), "rt-1", default);
        await other!.DisposeAsync();
        var result = await pending;

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);
    }

    private async Task<BffSession> SeedAsync()
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = "s1",
            Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(10)),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _parts.Store.CreateAsync(session, default);
        return session;
    }

    /// <summary>The store, counting the reads that bypass any cache.</summary>
    private sealed class CountingStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        private int _freshReads;

        public int FreshReads => Volatile.Read(ref _freshReads);

        public override Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _freshReads);
            return base.GetFreshAsync(id, cancellationToken);
        }
    }
}
