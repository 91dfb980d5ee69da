using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>
/// Confirming used entries before they age out: a confirmed entry lives a cache duration from when its confirmation
/// was asked for, never longer; another version, an invalidation or an unused entry is never renewed.
/// </summary>
public partial class SessionCacheRevalidationTests
{
    private static readonly TimeSpan MinAge = TimeSpan.FromSeconds(4);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BffOptions _options = new() { Session = { CacheDuration = TimeSpan.FromSeconds(5) } };

    private SessionCache Create()
    {
        var cache = new SessionCache(Options.Create(_options), _time);
        cache.Enable();
        return cache;
    }

    private BffSession Cached(SessionCache cache, string id = "s1", bool used = true)
    {
        var session = TestSessions.New("alice", _time.GetUtcNow()) with { Id = id };
        cache.Set(session, cache.Epoch);
        if (used)
        {
            Assert.NotNull(cache.TryGet(id));
        }

        return session;
    }

    private static List<SessionCache.Due> Due(SessionCache cache)
    {
        var due = new List<SessionCache.Due>();
        cache.CollectDue(MinAge, due, SessionCacheRevalidator.MaxPerRound);
        return due;
    }

    [Fact]
    public void CollectDue_OnlyEntriesUsedSinceRead_FromMinAge_BeforeTheyAgeOut()
    {
        var cache = Create();
        Cached(cache, "used");
        Cached(cache, "unused", used: false);
        _time.Advance(MinAge - TimeSpan.FromMilliseconds(1));
        Assert.Empty(Due(cache));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["used"], Due(cache).Select(d => d.Id));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Due(cache));
    }

    [Fact]
    public void Confirm_SameVersion_LivesACacheDurationFromTheAsking_NotLonger()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));
        var askedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.True(cache.Confirm(due, askedAt, session.Version, session.LastSeenAt));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(cache.TryGet("s1"));
        _time.Advance(_options.Session.CacheDuration - TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(200));
        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Confirmed_Entry_IsDueAgainOnlyOnceUsedAgain()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        Assert.True(cache.Confirm(Assert.Single(Due(cache)), _time.GetUtcNow(), session.Version, session.LastSeenAt));

        _time.Advance(MinAge);
        Assert.Empty(Due(cache));
        Assert.NotNull(cache.TryGet("s1"));
        Assert.Single(Due(cache));
    }

    [Fact]
    public void ConfirmedAgainAndAgain_NotDueOnceItsLastFullReadIsAMinuteOld()
    {
        var cache = Create();
        var session = Cached(cache);
        var read = _time.GetUtcNow();
        while (true)
        {
            _time.Advance(MinAge);
            var due = Due(cache);
            if (due.Count == 0)
            {
                break;
            }

            Assert.True(cache.Confirm(Assert.Single(due), _time.GetUtcNow(), session.Version, session.LastSeenAt));
            Assert.NotNull(cache.TryGet("s1"));
        }

        Assert.True(_time.GetUtcNow() - read >= DecryptedPayloadCache.MaxAge);
        Assert.True(_time.GetUtcNow() - read < DecryptedPayloadCache.MaxAge + MinAge);
    }

    [Fact]
    public void Confirm_OtherVersion_DropsTheEntry()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);

        Assert.False(cache.Confirm(Assert.Single(Due(cache)), _time.GetUtcNow(), session.Version + 1, session.LastSeenAt));
        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Confirm_AfterAnInvalidation_DoesNotBringTheEntryBack()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));

        // The session ends between Redis's answer and its handling here.
        cache.Invalidate("s1");

        Assert.False(cache.Confirm(due, _time.GetUtcNow(), session.Version, session.LastSeenAt));
        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Confirm_AfterTheCacheWasDropped_RenewsNothing()
    {
        var cache = Create();
        var session = Cached(cache);
        _time.Advance(MinAge);
        var due = Assert.Single(Due(cache));
        cache.Disable();
        cache.Enable();

        Assert.False(cache.Confirm(due, _time.GetUtcNow(), session.Version, session.LastSeenAt));
        Assert.Null(cache.TryGet("s1"));
    }

    [Fact]
    public void Drop_RemovesTheEntry()
    {
        var cache = Create();
        Cached(cache);
        _time.Advance(MinAge);

        cache.Drop(Assert.Single(Due(cache)));

        Assert.Null(cache.TryGet("s1"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void CollectDue_DisabledCache_Nothing()
    {
        var cache = Create();
        Cached(cache);
        _time.Advance(MinAge);
        cache.Disable();

        Assert.Empty(Due(cache));
    }
}
