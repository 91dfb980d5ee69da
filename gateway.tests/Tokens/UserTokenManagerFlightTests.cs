using Bff.Idp;
using Bff.Tests.Support;
using Bff.Tokens;

namespace Bff.Tests.Tokens;

/// <summary>A flight's requests get its result as soon as it is saved, not after the refresh lock's release.</summary>
public sealed class UserTokenManagerFlightTests : IDisposable
{
    private readonly TestUserTokenManager _parts = new();
    private readonly SlowReleaseLock _lock = new();
    private readonly UserTokenManager _manager;

    public UserTokenManagerFlightTests()
    {
        _manager = _parts.Manager(refreshLock: _lock);
    }

    public void Dispose() => _parts.Dispose();

    [Fact]
    public async Task Refreshed_AnsweredBeforeTheLocksReleaseIsDone()
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with { Id = "s1", Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(30)) };
        await _parts.Store.CreateAsync(session, default);
        _parts.Idp.RespondTokens("at-2", "rt-2");

        // The release does not finish until the test lets it: a flight that answered only after it would time out here.
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _manager.GetAsync(session, default).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal("at-2", r.Session!.Tokens.AccessToken));
        Assert.False(_lock.Released.IsCompleted);
        _lock.FinishRelease();
        await _lock.Released;
        Assert.Single(_parts.Idp.TokenRequests);
    }

    /// <summary>A lock whose release takes until the test says so, as a release round trip to a busy Redis does.</summary>
    private sealed class SlowReleaseLock : IRefreshLock
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public Task Released => _released.Task;

        public void FinishRelease() => _release.TrySetResult();

        public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) =>
            Task.FromResult<IAsyncDisposable?>(Interlocked.Exchange(ref _held, 1) == 0 ? new Held(this) : null);

        private sealed class Held(SlowReleaseLock owner) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await owner._release.Task;
                Volatile.Write(ref owner._held, 0);
                owner._released.TrySetResult();
            }
        }
    }
}
