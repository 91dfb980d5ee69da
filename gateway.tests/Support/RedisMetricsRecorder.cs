using System.Diagnostics.Metrics;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bff.Tests.Support;

/// <summary>
/// The gateway's Redis metrics as a test reads them: a <see cref="BffMetrics"/> of its own, and what it records of
/// <c>bff.redis.operation.duration</c> and <c>bff.redis.errors</c>.
/// </summary>
internal sealed class RedisMetricsRecorder : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<long> _errors;

    public RedisMetricsRecorder()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        Metrics = new BffMetrics(meters);
        Durations = new MetricCollector<double>(meters, BffTelemetry.MeterName, "bff.redis.operation.duration");
        _errors = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.redis.errors");
    }

    public BffMetrics Metrics { get; }

    /// <summary>The meters <see cref="Metrics"/> records on, for a collector of another of its instruments.</summary>
    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public MetricCollector<double> Durations { get; }

    /// <summary>Each error counted, as (operation, error type); the series at zero that the meter starts with are not errors.</summary>
    public IReadOnlyList<(string Operation, string ErrorType)> Errors() =>
        [.. _errors.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => ((string)m.Tags["bff.redis.operation"]!, (string)m.Tags["error.type"]!))];

    public void Dispose()
    {
        Durations.Dispose();
        _errors.Dispose();
        _services.Dispose();
    }
}
