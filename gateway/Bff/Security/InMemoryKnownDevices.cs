using Bff.Configuration;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bff.Security;

/// <summary>
/// Known devices of the in-memory store (one instance): last login per (subject, device) and per subject, judged
/// against the window on read. Entries older than the window are swept on the way, one pass a window at most.
/// </summary>
internal sealed class InMemoryKnownDevices(IOptions<BffOptions> options, TimeProvider time) : IKnownDevices
{
    private readonly TimeSpan _window = options.Value.Security.NewDeviceWindow;
    private readonly ConcurrentDictionary<(string Subject, string Device), DateTimeOffset> _devices = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _subjects = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public Task<DeviceNovelty> RememberAsync(string subject, string device, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var deviceKnown = _devices.TryGetValue((subject, device), out var lastDevice) && now - lastDevice < _window;
        var subjectKnown = _subjects.TryGetValue(subject, out var lastSubject) && now - lastSubject < _window;
        _devices[(subject, device)] = now;
        _subjects[subject] = now;
        return Task.FromResult(deviceKnown ? DeviceNovelty.Known : subjectKnown ? DeviceNovelty.New : DeviceNovelty.FirstForSubject);
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + _window;
        foreach (var entry in _devices)
        {
            if (now - entry.Value >= _window)
            {
                _devices.TryRemove(entry);
            }
        }

        foreach (var entry in _subjects)
        {
            if (now - entry.Value >= _window)
            {
                _subjects.TryRemove(entry);
            }
        }
    }
}
