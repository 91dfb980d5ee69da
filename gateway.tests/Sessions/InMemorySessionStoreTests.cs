using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

public class InMemorySessionStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly BffOptions _options = new();

    private InMemorySessionStore CreateStore() => new(Options.Create(_options), _time);

    private BffSession NewSession(string id = "s1") =>
        TestSessions.New("alice", _time.GetUtcNow()) with { Id = id, AbsoluteExpiresAt = _time.GetUtcNow() + _options.Session.AbsoluteLifetime };

    [Fact]
    public async Task GetAsync_PastIdleTimeout_ReturnsNull()
    {
        var store = CreateStore();
        await store.CreateAsync(NewSession(), default);

        _time.Advance(_options.Session.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.GetAsync("s1", default));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync("s1", default));
    }

    [Fact]
    public async Task TouchAsync_SlidesIdleDeadline_ButNotAbsolute()
    {
        _options.Session.IdleTimeout = TimeSpan.FromMinutes(30);
        _options.Session.AbsoluteLifetime = TimeSpan.FromHours(1);
        var store = CreateStore();
        await store.CreateAsync(NewSession(), default);

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(20));
            await store.TouchAsync("s1", _time.GetUtcNow(), default);
        }

        // 60 minutes in, used every 20 minutes: idle never ran out, but the absolute cap has.
        Assert.Null(await store.GetAsync("s1", default));
    }

    [Fact]
    public async Task TouchAsync_DeletedSession_NotResurrected()
    {
        var store = CreateStore();
        await store.CreateAsync(NewSession(), default);
        Assert.NotNull(await store.DeleteAsync("s1", default));

        await store.TouchAsync("s1", _time.GetUtcNow(), default);

        Assert.Null(await store.GetAsync("s1", default));
        Assert.Null(await store.DeleteAsync("s1", default));
    }
}
