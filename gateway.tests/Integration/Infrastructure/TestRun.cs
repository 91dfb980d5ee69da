using Bff.Tests.Support;
using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// One test run (one test host process): its temp folder, its log folder, and the guarantee that
/// nothing it started outlives it. Every process the fixtures start carries
/// <see cref="MarkerVariable"/>=<see cref="Id"/> in its environment, so the run can find and kill
/// them all — daemons and grandchildren included — by scanning /proc, at exit or, if the test host
/// was itself killed, at the start of the next run.
/// </summary>
internal static class TestRun
{
    public const string MarkerVariable = "BFF_TEST_RUN_ID";

    internal const string OwnerFileName = "owner";
    internal static readonly string TempRoot = Path.Combine(Path.GetTempPath(), "bff-tests");
    private static readonly Lazy<State> LazyState = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Id => LazyState.Value.Id;

    public static string Marker => $"{MarkerVariable}={Id}";

    /// <summary>Deleted when the run ends.</summary>
    public static string TempDirectory => LazyState.Value.TempDirectory;

    /// <summary>Kept after the run, for reading logs of a failed test.</summary>
    public static string ArtifactsDirectory => LazyState.Value.ArtifactsDirectory;

    /// <summary>A fresh folder under the run's temp folder, unique even for equal prefixes.</summary>
    public static string CreateTempDirectory(string prefix)
    {
        var path = Path.Combine(TempDirectory, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static string LogFilePath(string name)
    {
        var n = Interlocked.Increment(ref LazyState.Value.LogSequence);
        return Path.Combine(ArtifactsDirectory, $"{n:D3}-{name}.log");
    }

    private sealed class State
    {
        public required string Id { get; init; }
        public required string TempDirectory { get; init; }
        public required string ArtifactsDirectory { get; init; }
        public int LogSequence;
    }

    private static State Initialize()
    {
        var pid = Environment.ProcessId;
        var id = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{pid}";
        Directory.CreateDirectory(TempRoot);
        SweepAbandonedRuns();

        var temp = Path.Combine(TempRoot, "run-" + id);
        Directory.CreateDirectory(temp);
        File.WriteAllText(
            Path.Combine(temp, OwnerFileName),
            string.Create(CultureInfo.InvariantCulture, $"{pid} {Native.StartTime(pid)} {id}"));

        var artifactsRoot = Path.Combine(RepoPaths.Root, "artifacts", "test-logs");
        PruneOldLogs(artifactsRoot, keep: 10);
        var artifacts = Path.Combine(artifactsRoot, id);
        Directory.CreateDirectory(artifacts);

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Cleanup(id, temp);
        return new State { Id = id, TempDirectory = temp, ArtifactsDirectory = artifacts };
    }

    private static void Cleanup(string id, string temp)
    {
        KillProcessesOf(id);
        TryDeleteDirectory(temp);
    }

    /// <summary>Kills every process of <paramref name="runId"/>; idempotent and safe to call concurrently.</summary>
    public static void KillProcessesOf(string runId)
    {
        var marker = $"{MarkerVariable}={runId}";
        foreach (var pid in Native.AllPids())
        {
            if (pid != Environment.ProcessId && Native.EnvironmentContains(pid, marker))
            {
                Native.Signal(pid, Native.SigKill);
            }
        }
    }

    /// <summary>
    /// A test host killed by a hang timeout never runs its exit handlers; the next run reaps what it
    /// left behind. Only runs whose owner process is gone are touched, so concurrent runs from other
    /// work trees are safe.
    /// </summary>
    internal static void SweepAbandonedRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(TempRoot, "run-*"))
        {
            try
            {
                var owner = File.ReadAllText(Path.Combine(dir, OwnerFileName)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var ownerPid = int.Parse(owner[0], CultureInfo.InvariantCulture);
                var ownerStart = owner[1];
                var alive = Native.IsAlive(ownerPid)
                    && string.Equals(Native.StartTime(ownerPid)?.ToString(CultureInfo.InvariantCulture), ownerStart, StringComparison.Ordinal);
                if (alive)
                {
                    continue;
                }

                KillProcessesOf(owner[2]);
                TryDeleteDirectory(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The owner file may be half-written by a run that is starting right now; leave it.
                if (Directory.GetCreationTimeUtc(dir) < DateTime.UtcNow.AddHours(-1))
                {
                    TryDeleteDirectory(dir);
                }
            }
        }
    }

    private static void PruneOldLogs(string root, int keep)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var old in Directory.GetDirectories(root).Order(StringComparer.Ordinal).SkipLast(keep))
        {
            TryDeleteDirectory(old);
        }
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another run's sweep or the exit handler will retry; a leftover folder harms nothing.
        }
    }
}
