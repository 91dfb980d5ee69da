namespace Bff.Tokens;

/// <summary>
/// For the single-instance in-memory store: the in-process single flight of <see cref="UserTokenManager"/>
/// already lets only one refresh per session run, so there is nothing more to exclude.
/// </summary>
internal sealed class InProcessRefreshLock : IRefreshLock
{
    private static readonly Task<IAsyncDisposable?> Held = Task.FromResult<IAsyncDisposable?>(new Nothing());

    public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) => Held;

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
