using Bff.Redis;
using Bff.Tests.Support;
using StackExchange.Redis;

namespace Bff.Tests.Redis;

public sealed class RedisBatchRepliesTests
{
    // As StackExchange.Redis makes a reply's task: its continuations never run inline.
    internal static TaskCompletionSource<int>[] Replies(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously))];

    internal static Task<int>[] Tasks(TaskCompletionSource<int>[] replies) => [.. replies.Select(reply => reply.Task)];

    [Fact]
    public async Task Values_ComeInTheOrderOfTheCommands()
    {
        var replies = Replies(3);
        var all = RedisBatchReplies.AllAsync(Tasks(replies));

        for (var i = 0; i < replies.Length; i++)
        {
            replies[i].SetResult(10 + i);
        }

        Assert.Equal(new[] { 10, 11, 12 }, await all);
    }

    [Fact]
    public async Task NoCommands_NoValues() => Assert.Empty(await RedisBatchReplies.AllAsync(Array.Empty<Task<int>>()));

    [Fact]
    public async Task TheLastReplyFirst_StillWaitsForTheOthers()
    {
        // A cluster: another node's reply may come after the last command's.
        var replies = Replies(3);
        var all = RedisBatchReplies.AllAsync(Tasks(replies));

        replies[2].SetResult(12);
        replies[0].SetResult(10);

        // Never done before every reply is in; a wrong implementation may be caught only when it finishes within the bound.
        Assert.NotSame(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(200))));
        replies[1].SetResult(11);
        Assert.Equal(new[] { 10, 11, 12 }, await all);
    }

    [Fact]
    public async Task AFailedReply_FailsTheWhole()
    {
        var replies = Replies(3);
        var all = RedisBatchReplies.AllAsync(Tasks(replies));

        replies[0].SetResult(10);
        replies[1].SetException(new TimeoutException("reply 1"));
        replies[2].SetResult(12);

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => all);
        Assert.Equal("reply 1", thrown.Message);
    }

    [Fact]
    public async Task FailedRepliesBesideTheOneThrown_AreObserved()
    {
        using var faults = new UnobservedTaskFaults();

        await UnobservedTaskFaults.Isolated(async () =>
        {
            var replies = Replies(3);
            var all = RedisBatchReplies.AllAsync(Tasks(replies));
            replies[2].SetException(new RedisTimeoutException(faults.Message("last"), CommandStatus.Sent));
            await Assert.ThrowsAsync<RedisTimeoutException>(() => all);

            // The failures that come after the caller heard of one.
            replies[0].SetException(new RedisTimeoutException(faults.Message("first"), CommandStatus.Sent));
            replies[1].SetException(new RedisTimeoutException(faults.Message("middle"), CommandStatus.Sent));
            await Task.Yield();
        });

        Assert.Empty(faults.AfterCollection());
    }
}

/// <summary>Counts the process's thread-pool work items, so it runs alone.</summary>
[Collection(IsolatedHostCollection.Name)]
public sealed class RedisBatchRepliesWorkItemTests
{
    [Fact]
    public async Task ManyReplies_CostAFewWorkItems_NotOneEach()
    {
        const int count = 5_000;
        var replies = RedisBatchRepliesTests.Replies(count);
        var all = RedisBatchReplies.AllAsync(RedisBatchRepliesTests.Tasks(replies));

        var before = ThreadPool.CompletedWorkItemCount;
        for (var i = 0; i < count; i++)
        {
            replies[i].SetResult(i);
        }

        var values = await all;
        var workItems = ThreadPool.CompletedWorkItemCount - before;

        Assert.Equal(count - 1, values[^1]);
        Assert.True(workItems < count / 10, $"{workItems} thread-pool work items for {count} replies");
    }
}
