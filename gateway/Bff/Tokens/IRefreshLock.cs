namespace Bff.Tokens;

/// <summary>Mutual exclusion for refreshing one session's tokens.</summary>
internal interface IRefreshLock
{
    /// <summary>The held lock (dispose to release), or null when another holder has it.</summary>
    /// <remarks>
    /// The lock is asked for before this returns: a store read asked after it, on the same connection, runs after the
    /// lock is taken (<see cref="UserTokenManager"/> reads the session beside the lock).
    /// </remarks>
    Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="TryAcquireAsync"/>, with the owner the lock is asked for, so a command asked right behind it can be
    /// made for this holder only (<see cref="IRefreshAttempts.BeforeSendBesideLockAsync"/>); null for a lock without
    /// owners in the store (the lock within this process).
    /// </summary>
    (Task<IAsyncDisposable?> Acquiring, string Owner)? TryAcquireNamed(string sessionId) => null;
}
