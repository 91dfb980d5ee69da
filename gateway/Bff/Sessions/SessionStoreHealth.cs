using Bff.Redis;
namespace Bff.Sessions;

/// <summary>
/// Once a store call fails, every request gets 503 until Redis answers again: a request must never go
/// on half-working (for example from a cache that no longer hears about revocations).
/// </summary>
internal sealed class SessionStoreHealth
{
    private volatile bool _available = true;

    public bool IsAvailable => _available;

    public void MarkFailed() => _available = false;

    public void MarkAvailable() => _available = true;

    public void ThrowIfUnavailable()
    {
        if (!_available)
        {
            throw new SessionStoreUnavailableException("The session store is unavailable.");
        }
    }
}
