namespace Bff.Tests.Sessions;

/// <summary>
/// What <c>bff.sessions.active</c> reads: a frontend's live sessions, whether they ended on purpose or ran out of
/// time with nobody watching. Each test counts a frontend of its own: the Redis store is shared with other tests.
/// </summary>
public abstract partial class SessionStoreContract
{
    [Fact]
    public async Task CountActive_TheFrontendsLiveSessions_NotEndedNorExpiredOnes()
    {
        var store = CreateStore();
        var frontend = Unique("fe");
        var sessions = Enumerable.Range(0, 6).Select(_ => NewSession() with { Frontend = frontend }).ToArray();
        foreach (var session in sessions)
        {
            await store.CreateAsync(session, default);
        }

        await store.CreateAsync(NewSession() with { Frontend = Unique("other") }, default);
        Assert.Equal(6, await store.CountActiveAsync(frontend, default));

        await store.DeleteAsync(sessions[0].Id, default);
        await store.DeleteAsync(sessions[1].Id, default);
        Assert.Equal(4, await store.CountActiveAsync(frontend, default));

        // Two are used before they idle out; the other two idle out unseen.
        Time.Advance(Idle - TimeSpan.FromMinutes(1));
        await store.TouchAsync(sessions[2], Time.GetUtcNow(), default);
        await store.TouchAsync(sessions[3], Time.GetUtcNow(), default);
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await store.CountActiveAsync(frontend, default));

        // Used, but past their absolute deadline.
        Time.Advance(Absolute - Idle);
        Assert.Equal(0, await store.CountActiveAsync(frontend, default));
        Assert.Equal(0, await store.CountActiveAsync(Unique("unknown"), default));
    }
}
