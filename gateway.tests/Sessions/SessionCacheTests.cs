using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

public partial class SessionCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BffOptions _options = new();

    private SessionCache Create()
    {
        var cache = new SessionCache(Options.Create(_options), _time);
        cache.Enable();
        return cache;
    }

    private BffSession Session(string id = "s1") => TestSessions.New("alice", _time.GetUtcNow()) with { Id = id };

    [Fact]
    public void TryGet_WithinDuration_Hit_ThenAgesOut()
    {
        var cache = Create();
        cache.Set(Session(), cache.Epoch);

        Assert.NotNull(cache.TryGet("s1"));
        _time.Advance(_options.Session.CacheDuration);
        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Set_InvalidationArrivedDuringRead_NotCached()
    {
        var cache = Create();
        var epoch = cache.Epoch;          // the read starts
        cache.Invalidate("s1");           // the session ends while Redis answers
        cache.Set(Session(), epoch);      // the read completes with the old state

        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Set_InvalidationOfAnotherSessionDuringRead_StillCached()
    {
        // A busy store changes other sessions all the time: a read overlapping one of those is as good as any.
        var cache = Create();
        var epoch = cache.Epoch;
        cache.Invalidate("other");
        cache.Set(Session(), epoch);

        Assert.NotNull(cache.TryGet("s1"));
    }

    [Fact]
    public void Set_CacheDroppedDuringRead_NotCached()
    {
        var cache = Create();
        var epoch = cache.Epoch;
        cache.Disable();
        cache.Enable();
        cache.Set(Session(), epoch);

        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Set_SameSessionInvalidatedBetweenTwoOthers_NotCached()
    {
        var cache = Create();
        var epoch = cache.Epoch;
        cache.Invalidate("a");
        cache.Invalidate("s1");
        cache.Invalidate("b");
        cache.Set(Session(), epoch);

        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Set_ReadSlowerThanChangesAreRemembered_NotCached_EvenWithNoChangeLeftOnRecord()
    {
        var cache = Create();
        var epoch = cache.Epoch;
        var started = _time.GetUtcNow();
        cache.Invalidate("s1");
        _time.Advance(SessionCache.ChangeMemory);
        cache.Sweep();

        cache.Set(Session(), epoch, started);
        Assert.Null(cache.TryGet("s1"));
        // The change itself is forgotten: only the read's age kept it out.
        Assert.False(cache.ChangedSince("s1", epoch));
    }

    [Fact]
    public void ChangedSince_RemembersAChangeUntilChangeMemoryPasses()
    {
        var cache = Create();
        var epoch = cache.Epoch;
        cache.Invalidate("s1");
        _time.Advance(SessionCache.ChangeMemory - TimeSpan.FromMilliseconds(1));
        cache.Sweep();
        Assert.True(cache.ChangedSince("s1", epoch));
        Assert.False(cache.ChangedSince("s2", epoch));
    }

    [Fact]
    public void TryGet_PastIdleDeadline_MissEvenWithinCacheDuration()
    {
        _options.Session.IdleTimeout = TimeSpan.FromSeconds(3);
        _options.Session.CacheDuration = TimeSpan.FromSeconds(10);
        var cache = Create();
        cache.Set(Session(), cache.Epoch);

        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void TryGet_PastTheSessionsOwnIdleDeadline_Miss_ThoughTheTopLevelOneIsFarOff()
    {
        _options.Session.CacheDuration = TimeSpan.FromSeconds(10);
        var cache = Create();
        cache.Set(Session() with { IdleTimeout = TimeSpan.FromSeconds(3) }, cache.Epoch);

        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Disable_DropsEverythingAndStopsCaching_UntilEnabled()
    {
        var cache = Create();
        cache.Set(Session(), cache.Epoch);

        cache.Disable();
        Assert.Null(cache.TryGet("s1"));
        cache.Set(Session(), cache.Epoch);
        Assert.Null(cache.TryGet("s1"));

        cache.Enable();
        cache.Set(Session(), cache.Epoch);
        Assert.NotNull(cache.TryGet("s1"));
    }

    [Fact]
    public void ZeroDuration_NeverCaches()
    {
        _options.Session.CacheDuration = TimeSpan.Zero;
        var cache = Create();
        cache.Set(Session(), cache.Epoch);

        Assert.Null(cache.TryGet("s1"));
    }
}
