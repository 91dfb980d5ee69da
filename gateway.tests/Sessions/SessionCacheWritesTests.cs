using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>
/// The session an instance wrote stays in its cache through the write's own message, whichever comes first, and
/// never when anything else was heard of the session meanwhile: the cache never holds less than Redis does.
/// </summary>
public class SessionCacheWritesTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SessionCache _cache;

    public SessionCacheWritesTests()
    {
        _cache = new SessionCache(Options.Create(new BffOptions()), _time);
        _cache.Enable();
    }

    private BffSession Session(long version) => TestSessions.New("alice", _time.GetUtcNow()) with { Id = "s1", Version = version };

    [Fact]
    public void OwnMessageAfterTheWrite_EntryKept()
    {
        _cache.Set(Session(1), _cache.Epoch);
        var write = _cache.BeginWrite("s1")!;

        Assert.True(_cache.EndWrite(write, Session(2)));
        _cache.Supersede("s1", 2);

        Assert.Equal(2, _cache.TryGet("s1")!.Version);
    }

    [Fact]
    public void OwnMessageBeforeTheWriteReturns_EntryKept()
    {
        _cache.Set(Session(1), _cache.Epoch);
        var write = _cache.BeginWrite("s1")!;
        _cache.Supersede("s1", 2);

        Assert.True(_cache.EndWrite(write, Session(2)));
        Assert.Equal(2, _cache.TryGet("s1")!.Version);
    }

    [Fact]
    public void SessionEndedDuringTheWrite_NothingKept()
    {
        var write = _cache.BeginWrite("s1")!;
        _cache.Invalidate("s1");

        Assert.False(_cache.EndWrite(write, Session(2)));
        Assert.Null(_cache.TryGet("s1"));
    }

    [Fact]
    public void NewerWriteHeardDuringTheWrite_NothingKept()
    {
        var write = _cache.BeginWrite("s1")!;
        _cache.Supersede("s1", 3);

        Assert.False(_cache.EndWrite(write, Session(2)));
        Assert.Null(_cache.TryGet("s1"));
    }

    [Fact]
    public void CacheDroppedDuringTheWrite_NothingKept()
    {
        var write = _cache.BeginWrite("s1")!;
        _cache.Disable();
        _cache.Enable();

        Assert.False(_cache.EndWrite(write, Session(2)));
        Assert.Null(_cache.TryGet("s1"));
    }

    [Fact]
    public void AnotherInstancesWrite_EvictsAnOlderEntry_KeepsANewerOne()
    {
        _cache.Set(Session(1), _cache.Epoch);
        _cache.Supersede("s1", 2);
        Assert.Null(_cache.TryGet("s1"));

        _cache.Set(Session(3), _cache.Epoch);
        _cache.Supersede("s1", 3);
        Assert.Equal(3, _cache.TryGet("s1")!.Version);
    }

    [Fact]
    public void SupersedeDuringARead_ReadNotCached()
    {
        var epoch = _cache.Epoch;
        _cache.Supersede("s1", 2);
        _cache.Set(Session(1), epoch);

        Assert.Null(_cache.TryGet("s1"));
    }
}
