using Bff.Tests.Support;
using System.Diagnostics;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// The dev IdP's npm packages, which live outside the repository where <c>infra/idp/packages.mjs</c> says (one
/// directory per lock file). Asking that script keeps the rule in one place; it is asked once per test run.
/// </summary>
internal static class DevIdpPackages
{
    private static readonly Lazy<Task<(bool Installed, string Directory)>> Installation = new(AskAsync);

    /// <summary>Throws, saying how to install them, when node or the packages are missing.</summary>
    public static async Task RequireAsync()
    {
        MachinePrerequisites.Require("node", "install Node.js 20 or later");
        var (installed, directory) = await Installation.Value;
        if (!installed)
        {
            throw MachinePrerequisites.Missing(
                $"The dev IdP's npm packages are not installed in {directory}",
                "bash -c 'source infra/lib.sh && ensure_idp_deps'");
        }
    }

    /// <summary>Where the packages are (or belong).</summary>
    public static async Task<string> DirectoryAsync() => (await Installation.Value).Directory;

    private static async Task<(bool Installed, string Directory)> AskAsync()
    {
        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.IdpDirectory, "packages.mjs")])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var directory = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0, directory);
    }
}
