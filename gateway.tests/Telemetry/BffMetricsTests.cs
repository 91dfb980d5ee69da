using Bff.Telemetry;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bff.Tests.Telemetry;

public sealed class BffMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void EveryInstrument_NamedByTheConventions()
    {
        var instruments = InstrumentsOf(new BffMetrics(Meters));

        Assert.Contains(instruments, i => i.Name == "bff.token.lock_wait" && i is Histogram<double>);
        Assert.All(instruments, instrument =>
        {
            Assert.StartsWith("bff.", instrument.Name, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(instrument.Unit), instrument.Name + " has no unit");
            Assert.False(string.IsNullOrEmpty(instrument.Description), instrument.Name + " has no description");
            // Units in UCUM: seconds for durations, a {annotation} for counts; never a plural word.
            Assert.Matches(@"^(s|\{[a-z_]+\})$", instrument.Unit!);
        });
        Assert.All(instruments.Where(i => i.Unit == "s" && i.Name != "bff.token.lock_wait"),
            i => Assert.EndsWith(".duration", i.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryHistogramInSeconds_AdvisesBucketsFromMillisecondsToSeconds()
    {
        var histograms = InstrumentsOf(new BffMetrics(Meters)).OfType<Histogram<double>>().Where(h => h.Unit == "s").ToList();

        Assert.Contains(histograms, h => h.Name == "bff.idp.token_endpoint.duration");
        // Without advice the SDK's boundaries are for milliseconds (0, 5, 10, ...): in seconds, one bucket for everything.
        Assert.All(histograms, histogram =>
        {
            var bounds = histogram.Advice?.HistogramBucketBoundaries;
            Assert.True(bounds is { Count: > 0 }, histogram.Name + " advises no buckets");
            Assert.True(bounds[0] <= 0.001, histogram.Name + " starts above 1 ms");
            Assert.True(bounds[^1] >= 5, histogram.Name + " ends below 5 s");
        });
    }

    [Fact]
    public void RareEventCounters_StartAsSeriesAtZero()
    {
        var zeros = new List<(string Name, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == Meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            zeros.Add((instrument.Name, tags.Length == 0 ? null : tags[0].Value as string)));
        listener.Start();

        _ = new BffMetrics(Meters);

        Assert.Contains(("bff.security.events", "refresh_token_reuse"), zeros);
        Assert.Contains(("bff.idp.circuit.changes", "open"), zeros);
        Assert.Contains(("bff.redis.errors", null), zeros);
        Assert.Contains(("bff.revocation.abandoned", null), zeros);
        Assert.Contains(("bff.token.lock.lost", null), zeros);
        Assert.Contains(("bff.proxy.errors", null), zeros);
    }

    [Fact]
    public void Refresh_ByKind_UserUnlessSaid()
    {
        var metrics = new BffMetrics(Meters);
        using var refreshes = new MetricCollector<long>(Meters, BffTelemetry.MeterName, "bff.token.refreshes");

        metrics.Refresh("success");
        metrics.Refresh("invalid_grant", "client");

        Assert.Equal([("success", "user"), ("invalid_grant", "client")],
            refreshes.GetMeasurementSnapshot().Select(m => ((string)m.Tags["outcome"]!, (string)m.Tags["bff.token.kind"]!)));
    }

    [Fact]
    public void RedisAndProxy_NamespacedAttributes()
    {
        var metrics = new BffMetrics(Meters);
        using var duration = new MetricCollector<double>(Meters, BffTelemetry.MeterName, "bff.redis.operation.duration");
        using var redisErrors = new MetricCollector<long>(Meters, BffTelemetry.MeterName, "bff.redis.errors");
        using var proxyErrors = new MetricCollector<long>(Meters, BffTelemetry.MeterName, "bff.proxy.errors");

        metrics.RedisOperation("read", TimeSpan.FromMilliseconds(2));
        metrics.RedisError("read", "RedisTimeoutException");
        metrics.ProxyError("api", "Request");

        Assert.Equal("read", duration.LastMeasurement!.Tags["bff.redis.operation"]);
        Assert.Equal(0.002, duration.LastMeasurement.Value, 6);
        Assert.Equal("RedisTimeoutException", redisErrors.LastMeasurement!.Tags["error.type"]);
        Assert.Equal("api", proxyErrors.LastMeasurement!.Tags["bff.proxy.route_id"]);
        Assert.Equal("Request", proxyErrors.LastMeasurement.Tags["error.type"]);
    }

    private List<Instrument> InstrumentsOf(BffMetrics metrics)
    {
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == Meters && instrument.Meter.Name == BffTelemetry.MeterName)
                {
                    found.Add(instrument);
                }
            },
        };
        listener.Start();
        GC.KeepAlive(metrics);
        return found;
    }
}
