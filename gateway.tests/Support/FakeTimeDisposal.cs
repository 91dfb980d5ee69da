using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Support;

/// <summary>
/// Disposes what runs on a fake clock and may wait on it while disposing: Polly's pipelines wait out executions
/// still in flight with delays on their TimeProvider, which a fake clock nobody advances never ends.
/// </summary>
internal static class FakeTimeDisposal
{
    /// <summary>Runs <paramref name="dispose"/>, moving <paramref name="time"/> a second at a time until it is done.</summary>
    public static async Task DriveDisposalAsync(this FakeTimeProvider time, Func<ValueTask> dispose)
    {
        var disposing = dispose().AsTask();
        for (var i = 0; i < 100 && !disposing.IsCompleted; i++)
        {
            await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromMilliseconds(10)));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await disposing;
    }
}
