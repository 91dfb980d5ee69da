using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>
/// A held refresh lock kept in the session store itself (the Redis lock, beside the session): the refresh's final
/// token write releases it in the same step (<see cref="ISessionStore.TryUpdateTokensAndReleaseAsync"/>), which saves
/// the holder a round trip of its own and every instance a second message.
/// </summary>
internal interface IReleasedByTokenWrite
{
    /// <summary>
    /// Stops renewing the lock and runs <paramref name="write"/> with the lock's owner. When the write released the
    /// lock (<see cref="TokenWriteResult.LockReleased"/>), disposing the hold releases nothing more.
    /// </summary>
    Task<TokenWriteResult> WriteAndReleaseAsync(Func<string, Task<TokenWriteResult>> write);
}
