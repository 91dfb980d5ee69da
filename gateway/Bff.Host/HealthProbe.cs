namespace Bff.Host;

/// <summary>
/// <c>dotnet Bff.Host.dll --healthcheck [url]</c>: asks a running gateway's <c>/healthz</c> and exits 0 when it
/// answers 2xx, 1 otherwise. The container image's <c>HEALTHCHECK</c> uses it, because the ASP.NET runtime
/// image has no curl or wget and adding one would grow the image and its attack surface.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"{url}: {(int)response.StatusCode}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"{url}: {ex.GetType().Name}");
            return 1;
        }
    }

    /// <summary>The first of <c>ASPNETCORE_HTTP_PORTS</c> (the image sets 8080), on loopback.</summary>
    internal static string DefaultUrl(string? httpPorts)
    {
        var first = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var port = int.TryParse(first, out var value) && value is > 0 and < 65536 ? value : 8080;
        return $"http://127.0.0.1:{port}/healthz";
    }
}
