using System.Collections.Concurrent;

namespace Bff.Security;

/// <summary>
/// Counts events per client address in fixed one-minute windows on this instance, and says when one address
/// goes over the threshold: once per address and window, so a flood gives one signal a minute, not one per request.
/// </summary>
/// <remarks>
/// Per instance: behind N replicas an address spread evenly over them needs N times the threshold before any one
/// of them reports it. The table is bounded: past <see cref="MaxAddresses"/> addresses in one window, new ones
/// are not counted until the next (a flood from that many addresses is an outage to see in the request metrics).
/// </remarks>
internal sealed class AddressBursts(int threshold, TimeProvider time)
{
    internal const int MaxAddresses = 10_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private long _windowStart = long.MinValue;

    public int Threshold => threshold;

    /// <summary>Counts one for <paramref name="address"/>; true exactly when this one takes it over the threshold.</summary>
    public bool Count(string address, out int count)
    {
        var counts = CurrentWindow();
        if (counts.Count >= MaxAddresses && !counts.ContainsKey(address))
        {
            count = 0;
            return false;
        }

        count = counts.AddOrUpdate(address, 1, static (_, n) => n + 1);
        return count == threshold + 1;
    }

    private ConcurrentDictionary<string, int> CurrentWindow()
    {
        var now = time.GetUtcNow().UtcTicks / Window.Ticks;
        var start = Interlocked.Read(ref _windowStart);
        if (now == start)
        {
            return Volatile.Read(ref _counts);
        }

        // One caller swaps in the new window; a caller racing it may count into the old one, which only
        // delays that one count's signal by a window.
        if (Interlocked.CompareExchange(ref _windowStart, now, start) == start)
        {
            Volatile.Write(ref _counts, new ConcurrentDictionary<string, int>(StringComparer.Ordinal));
        }

        return Volatile.Read(ref _counts);
    }
}
