using Bff.Sessions;

namespace Bff.Tests.Sessions;

/// <summary>How a full cache makes room: one entry at a time, the clock hand giving used entries a second chance.</summary>
public partial class SessionCacheTests
{
    [Fact]
    public void Set_BeyondMaxEntries_EvictsOneAtATime_NeverMoreThanTheBound()
    {
        _options.Session.CacheMaxEntries = 3;
        var cache = Create();
        for (var i = 1; i <= 5; i++)
        {
            cache.Set(Session($"s{i}"), cache.Epoch);
            Assert.True(cache.Count <= 3);
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(2, cache.Evictions);
        Assert.Null(cache.TryGet("s1"));
        Assert.Null(cache.TryGet("s2"));
        Assert.NotNull(cache.TryGet("s3"));
        Assert.NotNull(cache.TryGet("s4"));
        Assert.NotNull(cache.TryGet("s5"));
    }

    [Fact]
    public void Set_Full_EvictsTheOldestNotUsedSince_AUsedOneGetsASecondChance()
    {
        _options.Session.CacheMaxEntries = 3;
        var cache = Create();
        cache.Set(Session("s1"), cache.Epoch);
        _time.Advance(TimeSpan.FromSeconds(1));
        cache.Set(Session("s2"), cache.Epoch);
        cache.Set(Session("s3"), cache.Epoch);
        Assert.NotNull(cache.TryGet("s1"));

        cache.Set(Session("s4"), cache.Epoch);

        Assert.Null(cache.TryGet("s2"));
        Assert.NotNull(cache.TryGet("s1"));
        Assert.NotNull(cache.TryGet("s3"));
        Assert.NotNull(cache.TryGet("s4"));
    }

    [Fact]
    public void Set_Full_EverySessionUsed_TheHandComesRoundAndEvictsTheOldest()
    {
        _options.Session.CacheMaxEntries = 2;
        var cache = Create();
        cache.Set(Session("s1"), cache.Epoch);
        cache.Set(Session("s2"), cache.Epoch);
        cache.TryGet("s1");
        cache.TryGet("s2");

        cache.Set(Session("s3"), cache.Epoch);

        Assert.Equal(2, cache.Count);
        Assert.Null(cache.TryGet("s1"));
        Assert.NotNull(cache.TryGet("s2"));
        Assert.NotNull(cache.TryGet("s3"));
    }

    [Fact]
    public void Set_SameSessionAgain_KeepsItsPlace_OneEntry()
    {
        _options.Session.CacheMaxEntries = 2;
        var cache = Create();
        cache.Set(Session("s1"), cache.Epoch);
        cache.Set(Session("s1"), cache.Epoch);
        cache.Set(Session("s2"), cache.Epoch);
        Assert.Equal(2, cache.Count);

        cache.Set(Session("s3"), cache.Epoch);

        Assert.Equal(1, cache.Evictions);
        Assert.Null(cache.TryGet("s1"));
        Assert.NotNull(cache.TryGet("s2"));
    }

    [Fact]
    public void Set_AfterInvalidationsAndAgeing_FreedRoomIsUsedBeforeEvicting()
    {
        _options.Session.CacheMaxEntries = 2;
        var cache = Create();
        cache.Set(Session("s1"), cache.Epoch);
        cache.Set(Session("s2"), cache.Epoch);
        cache.Invalidate("s1");
        cache.Set(Session("s3"), cache.Epoch);
        Assert.Equal(0, cache.Evictions);

        _time.Advance(_options.Session.CacheDuration);
        cache.Sweep();
        Assert.Equal(0, cache.Count);
        for (var i = 4; i <= 5; i++)
        {
            cache.Set(Session($"s{i}"), cache.Epoch);
        }

        Assert.Equal(0, cache.Evictions);
        Assert.NotNull(cache.TryGet("s4"));
        Assert.NotNull(cache.TryGet("s5"));
    }
}
