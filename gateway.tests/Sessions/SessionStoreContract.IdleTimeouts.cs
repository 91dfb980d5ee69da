namespace Bff.Tests.Sessions;

/// <summary>
/// The contract's idle timeouts: a session idles out, slides and leaves the indexes by its own idle timeout (its
/// frontend's, from login), and one stored without it by the top-level <c>Bff:Session:IdleTimeout</c>.
/// </summary>
public abstract partial class SessionStoreContract
{
    private static readonly TimeSpan AdminIdle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CustomerIdle = TimeSpan.FromMinutes(20);

    /// <summary>Checks the store's own expiry of the session right after a write, where it has one (the Redis key's TTL).</summary>
    private protected virtual Task AssertStoredTtlAsync(string id, TimeSpan expected) => Task.CompletedTask;

    [Fact]
    public async Task TwoFrontends_UsedAlike_EachEndsByItsOwnIdleTimeout()
    {
        var store = CreateStore();
        var admin = NewSession() with { Frontend = "admin", IdleTimeout = AdminIdle };
        var customer = NewSession() with { IdleTimeout = CustomerIdle };
        await store.CreateAsync(admin, default);
        await store.CreateAsync(customer, default);
        await AssertStoredTtlAsync(admin.Id, AdminIdle);
        await AssertStoredTtlAsync(customer.Id, CustomerIdle);

        Time.Advance(TimeSpan.FromMinutes(8));
        await store.TouchAsync(admin, Time.GetUtcNow(), default);
        await store.TouchAsync(customer, Time.GetUtcNow(), default);
        Time.Advance(AdminIdle);

        // Both last used ten minutes ago: the admin session's idle timeout has run out, the customer's has not.
        Assert.Null(await store.GetAsync(admin.Id, default));
        Assert.Null(await store.GetFreshAsync(admin.Id, default));
        Assert.Equal(CustomerIdle, (await store.GetAsync(customer.Id, default))!.IdleTimeout);
        Assert.NotNull(await store.GetFreshAsync(customer.Id, default));

        // Twenty minutes unused: its own idle timeout, ten minutes short of the top-level one.
        Time.Advance(CustomerIdle - AdminIdle);
        Assert.Null(await store.GetAsync(customer.Id, default));
        Assert.Null(await store.GetFreshAsync(customer.Id, default));
    }

    [Fact]
    public async Task Touch_SlidesByTheSessionsOwnIdleTimeout()
    {
        var store = CreateStore();
        var session = NewSession() with { Frontend = "admin", IdleTimeout = AdminIdle };
        await store.CreateAsync(session, default);

        Time.Advance(TimeSpan.FromMinutes(8));
        await store.TouchAsync(session, Time.GetUtcNow(), default);

        await AssertStoredTtlAsync(session.Id, AdminIdle);
        Time.Advance(AdminIdle - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.GetFreshAsync(session.Id, default));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task WithoutItsOwnIdleTimeout_SlidesAndEndsByTheTopLevelOne()
    {
        var store = CreateStore();
        var session = NewSession();
        Assert.Null(session.IdleTimeout);
        await store.CreateAsync(session, default);
        await AssertStoredTtlAsync(session.Id, Idle);

        Time.Advance(TimeSpan.FromMinutes(20));
        await store.TouchAsync(session, Time.GetUtcNow(), default);

        await AssertStoredTtlAsync(session.Id, Idle);
        Time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Null((await store.GetFreshAsync(session.Id, default))!.IdleTimeout);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task Indexes_JudgeEachSessionByItsOwnIdleTimeout()
    {
        var store = CreateStore();
        var (alice, sid) = (Unique("alice"), Unique("sid"));
        var admin = NewSession(alice, sid) with { Frontend = "admin", IdleTimeout = AdminIdle };
        var customer = NewSession(alice, sid);
        await store.CreateAsync(admin, default);
        await store.CreateAsync(customer, default);

        Time.Advance(AdminIdle);

        Assert.Equal([customer.Id], await store.FindByIdpSessionAsync(sid, default));
        Assert.Equal([customer.Id], (await store.ListBySubjectAsync(alice, default)).Select(s => s.Id));
    }
}
