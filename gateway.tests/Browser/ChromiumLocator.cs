
using Bff.Tests.Integration.Infrastructure;
namespace Bff.Tests.Browser;

/// <summary>
/// Debian's Chromium for the browser tests: <c>BFF_CHROMIUM</c> when set, else <c>chromium</c> on PATH. Never a
/// Playwright download, and never an install: <c>infra/test.sh</c> installs it.
/// </summary>
internal static class ChromiumLocator
{
    public const string Variable = "BFF_CHROMIUM";

    public static string Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{Variable}={configured} does not exist.");
        }

        return MachinePrerequisites.Require("chromium", $"apt-get install -y chromium (or set {Variable})");
    }
}
