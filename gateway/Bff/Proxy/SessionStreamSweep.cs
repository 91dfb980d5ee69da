using Microsoft.Extensions.Hosting;

namespace Bff.Proxy;

/// <summary>
/// Once a second, asks the store about every session with a stream open (<see cref="SessionStreams"/>): the streams
/// of a session that passed its idle or absolute deadline, or whose end was announced but not heard, are aborted
/// within that second plus the session cache's duration. A timer per stream at its session's deadline would need
/// re-arming whenever another request slides the idle deadline, and would still miss lost announcements.
/// </summary>
internal sealed class SessionStreamSweep(SessionStreams streams, TimeProvider time) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!streams.IsEmpty)
                {
                    await streams.SweepAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
