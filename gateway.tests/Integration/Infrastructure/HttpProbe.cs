namespace Bff.Tests.Integration.Infrastructure;

/// <summary>Readiness polling for the servers the fixtures start.</summary>
internal static class HttpProbe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        // A restarted server on the same port must not be probed over a dead pooled connection.
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// Polls until <paramref name="url"/> answers 200. Returns false when <paramref name="gaveUp"/>
    /// (say, the process exited) says there is no point in waiting longer, or at the timeout.
    /// </summary>
    public static async Task<bool> WaitForOkAsync(Uri url, TimeSpan timeout, Func<bool> gaveUp, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (DateTime.UtcNow < deadline && !gaveUp())
        {
            try
            {
                using var response = await Client.GetAsync(url, cancellationToken);
                if (response.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe timed out; the deadline decides.
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 250));
        }

        return false;
    }
}
