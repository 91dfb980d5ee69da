using System.Runtime.CompilerServices;

namespace Bff.Tests.Support;

/// <summary>
/// Records the task exceptions the runtime reports as unobserved (raised when a faulted task nobody looked at is
/// collected) whose message carries a marker, so a test sees only its own among whatever else the process runs.
/// </summary>
internal sealed class UnobservedTaskFaults : IDisposable
{
    private readonly string _marker = $"unobserved-{Guid.NewGuid():N}";
    private readonly List<string> _seen = [];

    public UnobservedTaskFaults() => TaskScheduler.UnobservedTaskException += Record;

    /// <summary>A message for the test's exceptions: only exceptions with it are recorded.</summary>
    public string Message(string what) => $"{_marker} {what}";

    /// <summary>Collects every unreachable task, runs their finalizers, and returns what was reported since the start.</summary>
    public IReadOnlyList<string> AfterCollection()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        lock (_seen)
        {
            return [.. _seen];
        }
    }

    public void Dispose() => TaskScheduler.UnobservedTaskException -= Record;

    /// <summary>Runs <paramref name="scenario"/> in a frame of its own, so nothing it made stays reachable from the test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task Isolated(Func<Task> scenario) => scenario();

    private void Record(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        var messages = e.Exception.Flatten().InnerExceptions.Select(inner => inner.Message).Where(m => m.StartsWith(_marker, StringComparison.Ordinal));
        lock (_seen)
        {
            _seen.AddRange(messages);
        }
    }
}
