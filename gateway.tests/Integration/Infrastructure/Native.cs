using System.Globalization;
using System.Runtime.InteropServices;

namespace Bff.Tests.Integration.Infrastructure;

internal static class Native
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigStop = 19;
    public const int SigCont = 18;

    // DllImport rather than LibraryImport: the generated stubs would need AllowUnsafeBlocks in the project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Best effort: a process that is already gone is not an error.</summary>
    public static void Signal(int pid, int signal)
    {
        if (pid > 0)
        {
            _ = SysKill(pid, signal);
        }
    }

    /// <summary>
    /// A zombie counts as dead: the container's PID 1 reaps orphaned daemons only lazily, and a
    /// zombie holds no sockets.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z' && stat.Value.State != 'X';
    }

    /// <summary>Start time in clock ticks since boot; with the pid it names one process for good.</summary>
    public static long? StartTime(int pid) => ReadStat(pid)?.StartTime;

    public static bool EnvironmentContains(int pid, string entry)
    {
        try
        {
            var environ = File.ReadAllBytes($"/proc/{pid}/environ");
            var text = System.Text.Encoding.UTF8.GetString(environ);
            return text.Split('\0').Contains(entry, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static IEnumerable<int> AllPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static (char State, long StartTime)? ReadStat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name in parentheses may itself contain spaces and parentheses.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); starttime is field 22.
        if (fields.Length < 20 || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return (fields[0][0], start);
    }
}
