using Bff.Tests.Integration.Infrastructure;

namespace Bff.Tests.Browser;

/// <summary>
/// Debian's Chromium for the browser tests: <c>BFF_CHROMIUM</c> when set, else <c>chromium</c> on PATH,
/// installed with apt-get (as root, under the fixtures' apt lock) when missing. Never a Playwright download.
/// </summary>
internal static class ChromiumInstall
{
    public const string Variable = "BFF_CHROMIUM";

    private static readonly Lazy<Task<string>> Located = new(() => LocateAsync(CancellationToken.None));

    public static Task<string> EnsureAsync(CancellationToken cancellationToken) => Located.Value.WaitAsync(cancellationToken);

    private static async Task<string> LocateAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{Variable}={configured} does not exist.");
        }

        if (ExecutableLocator.Find("chromium") is { } found)
        {
            return found;
        }

        if (!Native.IsRoot)
        {
            throw new InvalidOperationException("chromium is not on PATH and the tests do not run as root; install it: apt-get install -y chromium (or set BFF_CHROMIUM).");
        }

        using var gate = await FileLock.AcquireAsync("apt-get", TimeSpan.FromMinutes(10), cancellationToken);
        if (ExecutableLocator.Find("chromium") is { } installed)
        {
            return installed;
        }

        using var output = new ProcessOutput("apt-get", TestRun.LogFilePath("apt-get-chromium"));
        KeyValuePair<string, string?>[] environment = [new("DEBIAN_FRONTEND", "noninteractive")];
        await ChildProcess.RunAsync("apt-get", ["update"], "/", environment, output, TimeSpan.FromMinutes(5), cancellationToken);
        await ChildProcess.RunAsync("apt-get", ["install", "-y", "chromium"], "/", environment, output, TimeSpan.FromMinutes(8), cancellationToken);
        return ExecutableLocator.Find("chromium")
            ?? throw new InvalidOperationException("apt-get installed chromium, but it is not on PATH.");
    }
}
