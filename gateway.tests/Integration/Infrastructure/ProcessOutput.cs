using System.Text;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// Everything a started process wrote to stdout and stderr, line by line, kept in memory for
/// assertions (log hygiene: no token or cookie value in the logs) and copied to a log file under
/// <see cref="TestRun.ArtifactsDirectory"/> for reading after a failed run. Thread safe.
/// </summary>
public sealed class ProcessOutput : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Done)> _waiters = [];
    private StreamWriter? _file;

    public ProcessOutput(string name, string? logFilePath = null)
    {
        Name = name;
        LogFilePath = logFilePath;
        if (logFilePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logFilePath)!);
            _file = new StreamWriter(logFilePath, append: true, new UTF8Encoding(false)) { AutoFlush = true };
        }
    }

    public string Name { get; }

    public string? LogFilePath { get; }

    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>A snapshot.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Lines written after <paramref name="lineIndex"/>; take <see cref="LineCount"/> as a mark
    /// before an action to look only at what the action logged.
    /// </summary>
    public IReadOnlyList<string> LinesSince(int lineIndex)
    {
        lock (_gate)
        {
            return [.. _lines.Skip(lineIndex)];
        }
    }

    public bool Contains(string text, StringComparison comparison = StringComparison.Ordinal)
    {
        lock (_gate)
        {
            return _lines.Exists(l => l.Contains(text, comparison));
        }
    }

    /// <summary>The last lines, for exception messages.</summary>
    public string Tail(int lines = 80)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)));
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join('\n', _lines);
        }
    }

    /// <summary>Waits for a line (already written or still to come) that matches; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<string> done;
        lock (_gate)
        {
            var existing = _lines.Find(l => predicate(l));
            if (existing is not null)
            {
                return existing;
            }

            done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} wrote no matching line within {timeout}. Last output:\n{Tail()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }
        }
    }

    public Task<string> WaitForAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), timeout, cancellationToken);

    /// <summary>Adds a line as if the process had written it; also used for the fixtures' own notes.</summary>
    public void Append(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            try
            {
                _file?.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Losing the log copy must not fail the test; the in-memory lines are what tests read.
            }

            foreach (var waiter in _waiters)
            {
                if (waiter.Predicate(line))
                {
                    waiter.Done.TrySetResult(line);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
