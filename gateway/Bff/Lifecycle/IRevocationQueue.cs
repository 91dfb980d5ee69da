namespace Bff.Lifecycle;

/// <summary>
/// Refresh-token revocations still to be done. Kept where sessions are kept (Redis, or memory for a single
/// instance), so a revocation that failed survives a restart of the instance that queued it and is retried
/// by whichever instance gets to it first.
/// </summary>
internal interface IRevocationQueue
{
    /// <summary>Adds the item, or replaces the one with its id, due at <paramref name="dueAt"/>. False when the queue is full.</summary>
    Task<bool> EnqueueAsync(PendingRevocation item, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="max"/> items due by <paramref name="now"/>. Each is hidden from other callers
    /// until <paramref name="now"/> + <paramref name="lease"/>, then comes back unless it was completed or
    /// enqueued again: an instance that dies while revoking loses nothing.
    /// </summary>
    Task<IReadOnlyList<PendingRevocation>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken);

    Task CompleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>How many revocations wait, due or not (for the <c>bff.revocation.queue.depth</c> gauge).</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
