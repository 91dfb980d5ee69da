namespace Bff.Sessions;

/// <summary>The memo of verified cookies (<see cref="SessionCookie.TryReadHandleAsync"/>): bounded, and never emptied at once.</summary>
internal sealed partial class SessionCookie
{
    private const int MaxRemembered = 100_000;

    private int _makingRoom;

    /// <summary>How many verified cookies are remembered.</summary>
    internal int RememberedCount => _verified.Dictionary.Count;

    /// <summary>How many verified cookies can be remembered (tests lower it).</summary>
    internal int Capacity { get; init; } = MaxRemembered;

    // Frees a tenth of the memo, expired entries first, then any (in the order of per-process randomized
    // string hashes): new cookies past the cap cost the cookies in use at most that tenth, never all their
    // entries, and one pass over the memo makes room for a tenth of it.
    private void MakeRoom()
    {
        if (Interlocked.Exchange(ref _makingRoom, 1) == 1)
        {
            return;
        }

        try
        {
            var verified = _verified.Dictionary;
            var excess = verified.Count - (Capacity - Capacity / 10);
            var now = Environment.TickCount64;
            foreach (var (value, known) in verified)
            {
                if (excess <= 0)
                {
                    return;
                }

                if (known.Until <= now && verified.TryRemove(value, out _))
                {
                    excess--;
                }
            }

            foreach (var (value, _) in verified)
            {
                if (excess <= 0)
                {
                    return;
                }

                if (verified.TryRemove(value, out _))
                {
                    excess--;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _makingRoom, 0);
        }
    }
}
