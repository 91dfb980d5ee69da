namespace Bff.Tokens;

/// <summary>Mutual exclusion for refreshing one session's tokens.</summary>
internal interface IRefreshLock
{
    /// <summary>The held lock (dispose to release), or null when another holder has it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken);
}
