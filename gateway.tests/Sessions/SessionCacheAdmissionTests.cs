using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

public sealed class SessionCacheAdmissionTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Quiet_EveryReadIsKept()
    {
        var admission = new SessionCacheAdmission(_time, Duration);
        ReadCold(admission, SessionCacheAdmission.BusyReads - 1);
        _time.Advance(Duration);
        admission.Observe();

        Assert.False(admission.IsBusy);
        Assert.True(admission.Admits("a"));
        Assert.True(admission.Admits("b"));
    }

    [Fact]
    public void Busy_OnlyASecondReadWithinTheDurationIsKept()
    {
        var admission = Busy();

        Assert.False(admission.Admits("a"));
        _time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.True(admission.Admits("a"));

        Assert.False(admission.Admits("b"));
        _time.Advance(Duration);
        Assert.False(admission.Admits("b"));
        Assert.True(admission.Admits("b"));
    }

    [Fact]
    public void Busy_IsJudgedAgainEachWindow_ByTheRateOfReads()
    {
        var admission = Busy();

        // The next sweep comes late: 10 s with as many first reads as a busy 5 s is half the rate.
        ReadCold(admission, SessionCacheAdmission.BusyReads, "later-");
        _time.Advance(2 * Duration);
        admission.Observe();

        Assert.False(admission.IsBusy);
        Assert.True(admission.Admits("c"));
    }

    [Fact]
    public void AWindowIsJudgedOnlyOnceItHasLastedTheDuration()
    {
        var admission = new SessionCacheAdmission(_time, Duration);
        ReadCold(admission, 2 * SessionCacheAdmission.BusyReads);
        _time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        admission.Observe();

        Assert.False(admission.IsBusy);
    }

    [Fact]
    public void ReadsOfSessionsReadWithinTheDuration_DoNotCount()
    {
        // A few sessions read over and over (as sessions the filter turned away are read again) are no sign of a
        // cache turning over: counting them would keep the filter on by its own doing.
        var admission = new SessionCacheAdmission(_time, Duration);
        for (var i = 0; i < 10 * SessionCacheAdmission.BusyReads; i++)
        {
            admission.Admits("hot-" + (i % 100));
        }

        _time.Advance(Duration);
        admission.Observe();

        Assert.False(admission.IsBusy);
    }

    [Fact]
    public void Cache_ManyColdReadsInADuration_KeepsASessionFromItsSecondRead()
    {
        var options = new BffOptions();
        var cache = new SessionCache(Options.Create(options), _time);
        cache.Enable();
        var session = TestSessions.New("alice", _time.GetUtcNow());
        for (var i = 0; i < SessionCacheAdmission.BusyReads; i++)
        {
            cache.Set(session with { Id = "cold-" + i }, cache.Epoch);
        }

        _time.Advance(options.Session.CacheDuration);
        cache.Sweep();
        session = session with { LastSeenAt = _time.GetUtcNow() };

        cache.Set(session, cache.Epoch);
        Assert.Null(cache.TryGet(session.Id));
        cache.Set(session, cache.Epoch);
        Assert.Same(session, cache.TryGet(session.Id));
    }

    private SessionCacheAdmission Busy()
    {
        var admission = new SessionCacheAdmission(_time, Duration);
        ReadCold(admission, SessionCacheAdmission.BusyReads);
        _time.Advance(Duration);
        admission.Observe();
        Assert.True(admission.IsBusy);
        return admission;
    }

    private static void ReadCold(SessionCacheAdmission admission, int count, string prefix = "cold-")
    {
        for (var i = 0; i < count; i++)
        {
            admission.Admits(prefix + i);
        }
    }
}
