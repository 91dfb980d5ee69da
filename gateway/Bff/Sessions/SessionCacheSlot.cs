namespace Bff.Sessions;

/// <summary>A session's place on the clock, with whether it was used since the hand last passed it.</summary>
internal sealed class SessionCacheSlot(string id)
{
    private volatile bool _used;

    public string Id { get; } = id;

    public void Use()
    {
        // Read first: a session used by every request would otherwise write the same cache line on every hit.
        if (!_used)
        {
            _used = true;
        }
    }

    public bool TakeSecondChance()
    {
        if (!_used)
        {
            return false;
        }

        _used = false;
        return true;
    }
}
