using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Bff.Tests.Integration.InfrastructureTests;

[Trait("Category", "Integration")]
public sealed class TestRunTests
{
    [Fact]
    public void Processes_left_by_a_test_host_that_died_are_killed_by_the_next_run()
    {
        // A pid that has exited stands for the killed test host.
        using var deadHost = Process.Start("true");
        deadHost.WaitForExit();
        var (directory, leaked) = FakeRun(deadHost.Id, 0);
        using var _ = leaked;

        TestRun.SweepAbandonedRuns();

        Assert.True(leaked.WaitForExit(5000), "the leaked process still runs");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Processes_of_a_run_whose_test_host_lives_are_left_alone()
    {
        var (directory, leaked) = FakeRun(Environment.ProcessId, GetStartTime(Environment.ProcessId));
        try
        {
            TestRun.SweepAbandonedRuns();

            Assert.False(leaked.WaitForExit(200));
            Assert.True(Directory.Exists(directory));
        }
        finally
        {
            leaked.Kill();
            leaked.WaitForExit();
            leaked.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Free_ports_are_bindable_and_never_handed_out_twice()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePort.Next()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 20000, 32000));
    }

    [Fact]
    public void Repo_paths_point_into_this_checkout()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "Bff.sln")));
        Assert.Equal(Path.Combine(RepoPaths.Root, "infra", "idp"), RepoPaths.IdpDirectory);
        Assert.True(File.Exists(RepoPaths.GatewayDll), RepoPaths.GatewayDll);
        Assert.StartsWith(Path.Combine(RepoPaths.Root, "artifacts", "test-logs"), TestRun.ArtifactsDirectory, StringComparison.Ordinal);
    }

    private static (string Directory, Process Leaked) FakeRun(int ownerPid, long ownerStart)
    {
        var runId = "selftest-" + Guid.NewGuid().ToString("N");
        var directory = Path.Combine(TestRun.TempRoot, "run-" + runId);
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, TestRun.OwnerFileName),
            string.Create(CultureInfo.InvariantCulture, $"{ownerPid} {ownerStart} {runId}"));

        var info = new ProcessStartInfo("sleep", "60") { UseShellExecute = false };
        info.Environment[TestRun.MarkerVariable] = runId;
        return (directory, Process.Start(info)!);
    }

    private static long GetStartTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }
}
