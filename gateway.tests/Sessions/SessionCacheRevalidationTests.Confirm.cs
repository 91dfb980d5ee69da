namespace Bff.Tests.Sessions;

/// <summary>A confirmation against what happened to the entry meanwhile: the instance's own write, a new read, Redis's later use.</summary>
public partial class SessionCacheRevalidationTests
{
    [Fact]
    public void Confirm_AfterOwnSlidingWrite_StillRenews_KeepsTheLaterLastUse()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));
        var slid = _time.GetUtcNow();
        cache.Update("s1", s => s with { LastSeenAt = slid });

        Assert.True(cache.Confirm(due, _time.GetUtcNow(), session.Version, session.LastSeenAt));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(slid, cache.TryGet("s1")?.LastSeenAt);
    }

    [Fact]
    public void Confirm_SameLastUse_RenewsTheEntryInPlace()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));

        Assert.True(cache.Confirm(due, _time.GetUtcNow(), session.Version, session.LastSeenAt));
        Assert.NotNull(cache.TryGet("s1"));
        _time.Advance(MinAge);

        Assert.Same(due.Entry, Assert.Single(Due(cache)).Entry);
    }

    [Fact]
    public void Confirm_AfterTheSessionWasReadAgain_LeavesTheNewerEntry()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        cache.Set(session, cache.Epoch);
        var readAgainAt = _time.GetUtcNow();

        Assert.False(cache.Confirm(due, readAgainAt - TimeSpan.FromMilliseconds(500), session.Version, session.LastSeenAt));
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(cache.TryGet("s1"));
    }

    [Fact]
    public void Confirm_TakesALaterLastUseFromRedis()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var seenElsewhere = _time.GetUtcNow() - TimeSpan.FromSeconds(1);

        Assert.True(cache.Confirm(Assert.Single(Due(cache)), _time.GetUtcNow(), session.Version, seenElsewhere));
        Assert.Equal(seenElsewhere, cache.TryGet("s1")?.LastSeenAt);
    }
}
