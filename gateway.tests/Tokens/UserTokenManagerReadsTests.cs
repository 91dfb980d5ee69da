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
    public async Task Refresh_ReadAskedBeforeTheLockAnswers_AndRefreshesFromIt()
    {
        var session = await SeedAsync();
        _parts.Idp.RespondTokens("at-2", "rt-2");
        var slowLock = new AnsweringLaterLock(_lock);
        var manager = _parts.Manager(_counting, slowLock, _waiters);

        var pending = manager.GetAsync(session, default).AsTask();
        Assert.Equal(1, _counting.FreshReads);
        Assert.False(pending.IsCompleted);
        slowLock.Answer();
        var result = await pending;

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Equal(1, _counting.FreshReads);
    }

    [Fact]
    public async Task LockHeldByAnotherWhoSaved_TakesWhatItSaved_WithoutWaiting()
    {
        var session = await SeedAsync();
        var other = await _lock.TryAcquireAsync("s1", default);
        await _parts.Store.TryUpdateTokensAsync("s1", session.Version, new TokenSet("at-2", "rt-2", _parts.Time.GetUtcNow().AddMinutes(5)), "rt-1", default);

        // On a clock that never moves, a flight that waited would wait for good.
        var result = await _manager.GetAsync(session, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);
        await other!.DisposeAsync();
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

    /// <summary>A lock whose answer comes only when the test says so.</summary>
    private sealed class AnsweringLaterLock(IRefreshLock inner) : IRefreshLock
    {
        private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => _answer.SetResult();

        public async Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken)
        {
            await _answer.Task;
            return await inner.TryAcquireAsync(sessionId, cancellationToken);
        }
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
