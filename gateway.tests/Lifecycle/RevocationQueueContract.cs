
using Bff.Lifecycle;
namespace Bff.Tests.Lifecycle;

/// <summary>
/// What every <see cref="IRevocationQueue"/> must do, run once per implementation (<see cref="InMemoryRevocationQueueTests"/>,
/// and the Redis one under Integration/Lifecycle): due items only, a lease that hides a claimed item and hands it
/// back if nobody finishes it, replacement by id, completion.
/// </summary>
public abstract class RevocationQueueContract
{
    protected static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>An empty queue.</summary>
    private protected abstract IRevocationQueue CreateQueue();

    [Fact]
    public async Task Claim_OnlyDueItems()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item("now"), Now, default);
        await queue.EnqueueAsync(Item("later"), Now.AddMinutes(1), default);

        var due = await queue.ClaimDueAsync(Now, 10, Lease, default);

        Assert.Equal(["now"], due.Select(i => i.Id));
        Assert.Equal("rt-now", due[0].RefreshToken);
        Assert.Equal("s-now", due[0].SessionId);
        Assert.Equal(["later"], (await queue.ClaimDueAsync(Now.AddMinutes(1), 10, Lease, default)).Select(i => i.Id));
    }

    [Fact]
    public async Task Claimed_HiddenUntilTheLeaseEndsThenBack()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item("a"), Now, default);
        Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        Assert.Empty(await queue.ClaimDueAsync(Now + Lease - TimeSpan.FromSeconds(1), 10, Lease, default));
        Assert.Single(await queue.ClaimDueAsync(Now + Lease, 10, Lease, default));
    }

    [Fact]
    public async Task Completed_NeverComesBack()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item("a"), Now, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        await queue.CompleteAsync(claimed.Id, default);

        Assert.Empty(await queue.ClaimDueAsync(Now.AddDays(1), 10, Lease, default));
    }

    [Fact]
    public async Task EnqueueSameId_ReplacesItemAndDueTime()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item("a"), Now, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        await queue.EnqueueAsync(claimed with { FailedAttempts = 3 }, Now.AddSeconds(40), default);

        Assert.Empty(await queue.ClaimDueAsync(Now.AddSeconds(39), 10, Lease, default));
        var again = Assert.Single(await queue.ClaimDueAsync(Now.AddSeconds(40), 10, Lease, default));
        Assert.Equal(3, again.FailedAttempts);
    }

    [Fact]
    public async Task Claim_AtMostMax()
    {
        var queue = CreateQueue();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Item("i" + i), Now, default);
        }

        Assert.Equal(3, (await queue.ClaimDueAsync(Now, 3, Lease, default)).Count);
        Assert.Equal(2, (await queue.ClaimDueAsync(Now, 3, Lease, default)).Count);
    }

    private protected static PendingRevocation Item(string name) => new(name, "s-" + name, "rt-" + name, 0);
}
