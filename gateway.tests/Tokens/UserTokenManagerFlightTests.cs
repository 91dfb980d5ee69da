using Bff.Configuration;
using Bff.Idp;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Tokens;

/// <summary>A flight's requests get its result as soon as it is saved, not after the refresh lock's release.</summary>
public sealed class UserTokenManagerFlightTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeOidcProvider _idp = new();
    private readonly IOptions<BffOptions> _options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly InMemorySessionStore _store;
    private readonly SlowReleaseLock _lock = new();
    private readonly UserTokenManager _manager;

    public UserTokenManagerFlightTests()
    {
        var metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _store = new InMemorySessionStore(_options, _time);
        _manager = TestUserTokenManager.Create(_store, TestIdpTokenClient.Create(_idp, _options, metrics, _time), _options, metrics, _time, _lock);
    }

    public void Dispose()
    {
        _idp.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task Refreshed_AnsweredBeforeTheLocksReleaseIsDone()
    {
        var now = _time.GetUtcNow();
        var session = TestSessions.New("alice", now) with { Id = "s1", Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(30)) };
        await _store.CreateAsync(session, default);
        _idp.RespondTokens("at-2", "rt-2");

        // The release does not finish until the test lets it: a flight that answered only after it would time out here.
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _manager.GetAsync(session, default).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal("at-2", r.Session!.Tokens.AccessToken));
        Assert.False(_lock.Released.IsCompleted);
        _lock.FinishRelease();
        await _lock.Released;
        Assert.Single(_idp.TokenRequests);
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
