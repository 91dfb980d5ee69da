using Bff.Sessions;

namespace Bff.Tests.Sessions;

/// <summary>
/// The contract's user index: every live session of a user is found, however many there are, and a new session beyond
/// <c>Bff:Session:MaxSessionsPerUser</c> names the user's oldest live sessions for the caller to end.
/// </summary>
public abstract partial class SessionStoreContract
{
    [Fact]
    public async Task ListBySubject_MoreThanAThousandSessions_AllOfThem()
    {
        Options.Session.MaxSessionsPerUser = 2000;
        var store = CreateStore();
        var alice = Unique("alice");
        var sid = Unique("sid");
        var ids = new List<string>();
        for (var i = 0; i < 1001; i++)
        {
            var session = NewSession(alice, sid);
            await store.CreateAsync(session, default);
            ids.Add(session.Id);
            // The newest last: a store that reads only the oldest entries misses them.
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var listed = await store.ListBySubjectAsync(alice, default);
        Assert.Equal(ids.Count, listed.Count);
        Assert.Equal(ids.Order(), listed.Select(s => s.Id).Order());
        Assert.Equal(ids.Order(), (await store.FindByIdpSessionAsync(sid, default)).Order());
    }

    [Fact]
    public async Task Create_BeyondTheBound_TheUsersOldestNamed_NoneEndedByTheStore()
    {
        Options.Session.MaxSessionsPerUser = 3;
        var store = CreateStore();
        var alice = Unique("alice");
        var first = await CreateInTurnAsync(store, alice, expectBeyond: []);
        var second = await CreateInTurnAsync(store, alice, expectBeyond: []);
        await CreateInTurnAsync(store, alice, expectBeyond: []);
        // Another user's sessions count for that user only.
        await CreateInTurnAsync(store, Unique("bob"), expectBeyond: []);

        await CreateInTurnAsync(store, alice, expectBeyond: [first.Id]);

        // The caller ends them, not the store: until then they still count.
        Assert.NotNull(await store.GetFreshAsync(first.Id, default));
        await CreateInTurnAsync(store, alice, expectBeyond: [first.Id, second.Id]);
    }

    [Fact]
    public async Task Create_AtTheBound_EndedAndIdleSessionsMakeRoom()
    {
        Options.Session.MaxSessionsPerUser = 3;
        var store = CreateStore();
        var alice = Unique("alice");
        await CreateInTurnAsync(store, alice, expectBeyond: []);
        var ended = await CreateInTurnAsync(store, alice, expectBeyond: []);
        var used = await CreateInTurnAsync(store, alice, expectBeyond: []);
        await store.DeleteAsync(ended.Id, default);
        Time.Advance(Idle - TimeSpan.FromMinutes(1));
        await store.TouchAsync(used, Time.GetUtcNow(), default);
        // The first one idles out; the one in use does not.
        Time.Advance(TimeSpan.FromMinutes(1));

        await CreateInTurnAsync(store, alice, expectBeyond: []);
        await CreateInTurnAsync(store, alice, expectBeyond: []);
        await CreateInTurnAsync(store, alice, expectBeyond: [used.Id]);
    }

    /// <summary>Creates a session of <paramref name="subject"/> a millisecond after the one before, so "oldest" is plain.</summary>
    private async Task<BffSession> CreateInTurnAsync(ISessionStore store, string subject, string[] expectBeyond)
    {
        var session = NewSession(subject);
        Assert.Equal(expectBeyond, await store.CreateAsync(session, default));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return session;
    }
}
