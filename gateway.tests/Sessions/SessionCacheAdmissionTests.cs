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
        _time.Advance(Duration);
        admission.Observe(SessionCacheAdmission.BusyReads - 1);

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

        // The next sweep comes late: 10 s with as many reads as a busy 5 s is half the rate.
        _time.Advance(2 * Duration);
        admission.Observe(2 * SessionCacheAdmission.BusyReads);

        Assert.False(admission.IsBusy);
        Assert.True(admission.Admits("c"));
    }

    [Fact]
    public void AWindowIsJudgedOnlyOnceItHasLastedTheDuration()
    {
        var admission = new SessionCacheAdmission(_time, Duration);
        _time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        admission.Observe(10 * SessionCacheAdmission.BusyReads);

        Assert.False(admission.IsBusy);
    }

    [Fact]
    public void Cache_ManyReadsInADuration_KeepsASessionFromItsSecondRead()
    {
        var options = new BffOptions();
        var cache = new SessionCache(Options.Create(options), _time);
        cache.Enable();
        for (var i = 0; i < SessionCacheAdmission.BusyReads; i++)
        {
            Assert.Null(cache.TryGet("unknown-" + i));
        }

        _time.Advance(options.Session.CacheDuration);
        cache.Sweep();
        var session = TestSessions.New("alice", _time.GetUtcNow());

        cache.Set(session, cache.Epoch);
        Assert.Null(cache.TryGet(session.Id));
        cache.Set(session, cache.Epoch);
        Assert.Same(session, cache.TryGet(session.Id));
    }

    private SessionCacheAdmission Busy()
    {
        var admission = new SessionCacheAdmission(_time, Duration);
        _time.Advance(Duration);
        admission.Observe(SessionCacheAdmission.BusyReads);
        Assert.True(admission.IsBusy);
        return admission;
    }
}
