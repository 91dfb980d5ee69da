namespace Bff.Redis;

/// <summary>Waits for the replies to commands sent together (a batch, or a loop of async calls) without a thread-pool work item per reply.</summary>
/// <remarks>
/// StackExchange.Redis completes each reply's task with its continuations run asynchronously, so
/// <see cref="Task.WhenAll{TResult}(Task{TResult}[])"/> over them queues one work item per reply: its bookkeeping
/// is such a continuation. For the session cache's confirmations that was one work item per confirmed session, over
/// a thousand a second. A node answers a connection's commands in order, so on a single node the last reply is the
/// whole round trip: one wait. In a cluster, other nodes' replies may still be coming after it; those are then
/// awaited together.
/// </remarks>
internal static class RedisBatchReplies
{
    /// <summary>Every reply's value, in the order of <paramref name="replies"/>; throws a failed reply's exception.</summary>
    public static async Task<T[]> AllAsync<T>(Task<T>[] replies)
    {
        if (replies.Length == 0)
        {
            return [];
        }

        try
        {
            await replies[^1].ConfigureAwait(false);
            if (!Array.TrueForAll(replies, static reply => reply.IsCompleted))
            {
                await Task.WhenAll(replies).ConfigureAwait(false);
            }

            var values = new T[replies.Length];
            for (var i = 0; i < replies.Length; i++)
            {
                values[i] = replies[i].GetAwaiter().GetResult();
            }

            return values;
        }
        catch
        {
            // One failure goes to the caller; the others, now or still to come, are observed here (WhenAll takes each
            // reply's, and the continuation its own), so none is reported as an unobserved task exception later.
            _ = Task.WhenAll(replies).ContinueWith(static all => all.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
