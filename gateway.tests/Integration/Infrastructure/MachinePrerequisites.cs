namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// What the machine must have for the fixtures. Provisioning is one script's job, <c>infra/test.sh</c> (the README's
/// test command), so a test run never changes the machine, nor installs half of something under a test's timeout:
/// a piece that is missing fails the test at once, naming that script.
/// </summary>
internal static class MachinePrerequisites
{
    public const string ProvisionCommand = "infra/test.sh";

    public static string? Find(string executable)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The executable's path; throws, saying how to get it, when it is not on PATH.</summary>
    /// <param name="installedBy">What installs it, e.g. <c>apt-get install -y redis-server</c>.</param>
    public static string Require(string executable, string installedBy) =>
        Find(executable) ?? throw Missing($"{executable} is not on PATH", installedBy);

    public static InvalidOperationException Missing(string what, string fix) =>
        new($"{what}. Provision the machine with the README's test command, {ProvisionCommand}, or by hand: {fix}.");
}
