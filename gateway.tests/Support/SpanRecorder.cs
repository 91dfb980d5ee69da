using Bff.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Bff.Tests.Support;

/// <summary>
/// Listens to the gateway's activity source and keeps the spans of one trace: the one this recorder's root span
/// starts. Listeners are process-wide and other tests run beside this one, so only what ran under the root (in the
/// test's own flow, or in a request that carries <see cref="TraceParent"/>) is the test's.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private static readonly ActivitySource Tests = new("Bff.Tests");

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Activity _root;

    public SpanRecorder()
    {
        ActivityTraceId? trace = null;
        _listener = new ActivityListener
        {
            // ASP.NET Core's too, so that a request's server span picks up the trace from its traceparent header.
            ShouldListenTo = source => source.Name is BffTelemetry.ActivitySourceName or "Bff.Tests" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == BffTelemetry.ActivitySourceName && activity.TraceId == trace)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = Tests.StartActivity("test")!;
        trace = _root.TraceId;
    }

    /// <summary>The W3C <c>traceparent</c> header that puts a request's spans in this recorder's trace.</summary>
    public KeyValuePair<string, string> TraceParent => new("traceparent", $"00-{_root.TraceId}-{_root.SpanId}-01");

    /// <summary>The gateway's spans of this trace that have ended, named <paramref name="name"/>.</summary>
    public IReadOnlyList<Activity> Named(string name) => [.. _stopped.Where(a => a.OperationName == name)];

    public void Dispose()
    {
        _root.Dispose();
        _listener.Dispose();
    }
}
