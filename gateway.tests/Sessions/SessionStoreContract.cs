using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>
/// What every <see cref="ISessionStore"/> must do, run once per store on a fake clock (<see cref="InMemorySessionStoreTests"/>,
/// and the Redis one under Integration/Sessions): it gives back what was stored, slides the idle deadline and never
/// the absolute one, returns nothing past either, writes tokens only over the version it was shown, keeps the result
/// of a refresh findable by the refresh token it replaced (in SessionStoreContract.TokenWrites.cs), and ends a
/// session once, telling whoever caches it. Each session idles by its own idle timeout (SessionStoreContract.IdleTimeouts.cs).
/// </summary>
public abstract partial class SessionStoreContract
{
    private protected static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    private protected static readonly TimeSpan Absolute = TimeSpan.FromHours(1);

    /// <summary>Starts on a whole millisecond, as Redis keeps times.</summary>
    private protected FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    private protected BffOptions Options { get; } = new() { Session = { IdleTimeout = Idle, AbsoluteLifetime = Absolute } };

    /// <summary>A store on <see cref="Time"/> and <see cref="Options"/>.</summary>
    private protected abstract ISessionStore CreateStore();

    /// <summary>Runs <paramref name="change"/>, and checks that the instances caching sessions were told <paramref name="id"/> changed.</summary>
    /// <remarks>The in-memory store serves one instance, which has no cache: nobody to tell.</remarks>
    private protected virtual Task ExpectChangeAnnouncedAsync(string id, Func<Task> change) => change();

    /// <summary>A session of a user (and IdP session) of this test's own: the Redis store is shared with other tests.</summary>
    private protected BffSession NewSession(string? subject = null, string? idpSessionId = null) =>
        TestSessions.New(subject ?? Unique("alice"), Time.GetUtcNow()) with
        {
            IdpSessionId = idpSessionId ?? Unique("sid"),
            AbsoluteExpiresAt = Time.GetUtcNow() + Absolute,
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            IpAddress = "192.0.2.1",
        };

    private protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Create_GetAndGetFresh_TheSessionAsStored()
    {
        var store = CreateStore();
        var session = NewSession();

        await store.CreateAsync(session, default);

        Assert.Equivalent(session, await store.GetAsync(session.Id, default), strict: true);
        Assert.Equivalent(session, await store.GetFreshAsync(session.Id, default), strict: true);
        Assert.Null(await store.GetAsync(Unique("unknown"), default));
        Assert.Null(await store.GetFreshAsync(Unique("unknown"), default));
    }

    [Fact]
    public async Task Get_PastIdleTimeout_Null()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);

        Time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.GetAsync(session.Id, default));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync(session.Id, default));
        Assert.Null(await store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task Create_AlreadyPastItsDeadline_NeverReturned()
    {
        var store = CreateStore();
        var session = NewSession() with { AbsoluteExpiresAt = Time.GetUtcNow() };

        await store.CreateAsync(session, default);

        Assert.Null(await store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task Touch_SlidesIdleDeadline_ButNotAbsolute()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);

        for (var i = 0; i < 2; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(20));
            await store.TouchAsync(session, Time.GetUtcNow(), default);
        }

        // 40 minutes in, used every 20: alive only because the idle deadline slid.
        Assert.Equal(Time.GetUtcNow(), (await store.GetFreshAsync(session.Id, default))!.LastSeenAt);
        Time.Advance(TimeSpan.FromMinutes(20));
        await store.TouchAsync(session, Time.GetUtcNow(), default);

        // 60 minutes in: idle never ran out, but the absolute deadline has.
        Assert.Null(await store.GetAsync(session.Id, default));
        Assert.Null(await store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task Touch_DeletedSession_NotResurrected()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        Assert.NotNull(await store.DeleteAsync(session.Id, default));

        await store.TouchAsync(session, Time.GetUtcNow(), default);

        Assert.Null(await store.GetAsync(session.Id, default));
        Assert.Null(await store.DeleteAsync(session.Id, default));
    }

    [Fact]
    public async Task Delete_TheSessionAsItWas_OnceOnly_AndAnnounced()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        Assert.NotNull(await store.GetAsync(session.Id, default));
        BffSession? deleted = null;

        await ExpectChangeAnnouncedAsync(session.Id, async () => deleted = await store.DeleteAsync(session.Id, default));

        Assert.Equivalent(session, deleted, strict: true);
        Assert.Null(await store.GetAsync(session.Id, default));
        Assert.Null(await store.DeleteAsync(session.Id, default));
    }

    [Fact]
    public async Task ListBySubject_TheUsersLiveSessionsOnly()
    {
        var store = CreateStore();
        var alice = Unique("alice");
        var first = NewSession(alice);
        var second = NewSession(alice);
        var gone = NewSession(alice);
        var bobs = NewSession(Unique("bob"));
        foreach (var session in new[] { first, second, gone, bobs })
        {
            await store.CreateAsync(session, default);
        }

        await store.DeleteAsync(gone.Id, default);

        Assert.Equal(new[] { first.Id, second.Id }.Order(), (await store.ListBySubjectAsync(alice, default)).Select(s => s.Id).Order());
        Time.Advance(Idle - TimeSpan.FromMinutes(1));
        await store.TouchAsync(second, Time.GetUtcNow(), default);
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([second.Id], (await store.ListBySubjectAsync(alice, default)).Select(s => s.Id));
    }

    [Fact]
    public async Task FindByIdpSession_ThatIdpSessionsSessionsOnly()
    {
        var store = CreateStore();
        var sid = Unique("sid");
        var first = NewSession(idpSessionId: sid);
        var second = NewSession(idpSessionId: sid);
        var other = NewSession(idpSessionId: Unique("sid"));
        foreach (var session in new[] { first, second, other })
        {
            await store.CreateAsync(session, default);
        }

        Assert.Equal(new[] { first.Id, second.Id }.Order(), (await store.FindByIdpSessionAsync(sid, default)).Order());
        await store.DeleteAsync(first.Id, default);
        Assert.Equal([second.Id], await store.FindByIdpSessionAsync(sid, default));
    }
}
