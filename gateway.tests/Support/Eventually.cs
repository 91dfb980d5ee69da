using System.Diagnostics;

namespace Bff.Tests.Support;

/// <summary>
/// The one way tests wait for what happens in the background (a revocation sent from a queue, an invalidation
/// message arriving, a process noticing an outage): poll until the condition holds. The timeout bounds a hang and
/// is never itself the claim under test, so it is generous; a test that needs "before X" says so with an event
/// or an ordering, or with a bound well inside X and a comment.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(10);

    /// <param name="because">What is awaited, for the failure message: "the revocation to reach the IdP".</param>
    /// <param name="interval">Between two checks; longer for a check that costs a request.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, TimeSpan? interval = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                Assert.Fail($"Waited {timeout.TotalSeconds:0.#} s for {because}.");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string because, TimeSpan? interval = null) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, because, interval);
}
