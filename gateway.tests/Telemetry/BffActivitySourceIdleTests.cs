using Bff.Configuration;
using Bff.Sessions;
using Bff.Telemetry;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Telemetry;

/// <summary>
/// With no tracer (no OTLP endpoint: the default, and how the benchmarks run) the spans cost nothing on the hot path: a
/// session served from the cache creates no <see cref="Activity"/> and allocates nothing at all. Alone, since any
/// listener on the gateway's source, another test's included, would make every span real.
/// </summary>
[Collection(IsolatedHostCollection.Name)]
public sealed class BffActivitySourceIdleTests : IDisposable
{
    private const int Loads = 100;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();

    public void Dispose() => _protection.Dispose();

    [Fact]
    public void SessionLoad_CacheHit_NoListener_NoActivityNorAllocation()
    {
        var options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
        var cache = new SessionCache(options, _time);
        cache.Enable();
        var session = TestSessions.New("alice", _time.GetUtcNow());
        cache.Set(session, cache.Epoch);
        // Redis is never asked: every load is a cache hit.
        var store = TestRedisSessionStore.Create(FakeRedis.Unreachable(), _protection.SessionProtector(), cache, new SessionStoreHealth(), options, _time);
        Assert.False(BffActivitySource.Instance.HasListeners(), "a listener on the gateway's activity source was left by another test");
        Assert.Null(Activity.Current);

        LoadFromCache(store, session.Id);
        var allocated = LoadFromCache(store, session.Id);

        Assert.Equal(0, allocated);
        Assert.Null(Activity.Current);

        // The same loads with a tracer listening: each is a span, which the measure above would have seen.
        var started = 0;
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BffTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => Interlocked.Increment(ref started),
        })
        {
            ActivitySource.AddActivityListener(listener);
            Assert.True(LoadFromCache(store, session.Id) > 0);
        }

        Assert.Equal(Loads, started);
    }

    // The bytes this thread allocated for the loads: GetAsync completes at once on a hit, so all of it runs here.
    private static long LoadFromCache(RedisSessionStore store, string id)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Loads; i++)
        {
            var load = store.GetAsync(id, default);
            if (!load.IsCompletedSuccessfully || load.Result is null)
            {
                throw new InvalidOperationException("Not a cache hit.");
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
