using Bff.Configuration;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary><c>bff.sessions.active</c>: counted by frontend in the background on the clock, read by the gauge from memory.</summary>
public sealed class ActiveSessionsGaugeTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
    private readonly BffOptions _options = new() { ClientId = "spa", Frontends = [new BffFrontendOptions { Name = "admin" }] };
    private readonly BffMetrics _metrics;
    private readonly MetricCollector<long> _gauge;

    public ActiveSessionsGaugeTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new BffMetrics(meters);
        _gauge = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.sessions.active");
    }

    public void Dispose()
    {
        _gauge.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task Refresh_EachFrontendsLiveSessions_TheDefaultOneUnnamed()
    {
        var store = new InMemorySessionStore(Microsoft.Extensions.Options.Options.Create(_options), _time);
        await store.CreateAsync(TestSessions.New("alice", _time.GetUtcNow()), default);
        await store.CreateAsync(TestSessions.New("bob", _time.GetUtcNow()) with { Frontend = "admin" }, default);
        await store.CreateAsync(TestSessions.New("carol", _time.GetUtcNow()) with { Frontend = "admin" }, default);
        var gauge = Gauge(store);

        Assert.Empty(Observed());
        await gauge.RefreshAsync(default);

        Assert.Equal([("", 1L), ("admin", 2L)], Observed());
        Assert.Equal("{session}", _gauge.Instrument!.Unit);
    }

    [Fact]
    public async Task Running_CountsAgainEveryInterval_OnTheClock()
    {
        var store = new InMemorySessionStore(Microsoft.Extensions.Options.Options.Create(_options), _time);
        using var gauge = Gauge(store);
        await gauge.StartAsync(default);
        await Eventually.TrueAsync(() => Task.FromResult(Observed().SequenceEqual([("", 0L), ("admin", 0L)])), TimeSpan.FromSeconds(10), "the first count");

        await store.CreateAsync(TestSessions.New("alice", _time.GetUtcNow()), default);
        Assert.Equal([("", 0L), ("admin", 0L)], Observed());
        _time.Advance(ActiveSessionsGauge.Interval);

        await Eventually.TrueAsync(() => Task.FromResult(Observed().SequenceEqual([("", 1L), ("admin", 0L)])), TimeSpan.FromSeconds(10), "the count after one interval");
        await gauge.StopAsync(default);
    }

    [Fact]
    public async Task Refresh_StoreUnavailable_KeepsTheLastCounts()
    {
        var store = new InMemorySessionStore(Microsoft.Extensions.Options.Options.Create(_options), _time);
        await store.CreateAsync(TestSessions.New("alice", _time.GetUtcNow()), default);
        await Gauge(store).RefreshAsync(default);

        await Gauge(UnavailableSessionStore.Create()).RefreshAsync(default);

        Assert.Equal([("", 1L), ("admin", 0L)], Observed());
    }

    [Fact]
    public void Frontends_NoDefaultWithoutATopLevelClient()
    {
        Assert.Equal(["", "admin"], ActiveSessionsGauge.FrontendsOf(_options));
        Assert.Equal(["admin"], ActiveSessionsGauge.FrontendsOf(new BffOptions { Frontends = _options.Frontends }));
        Assert.Equal([""], ActiveSessionsGauge.FrontendsOf(new BffOptions()));
    }

    private ActiveSessionsGauge Gauge(ISessionStore store) =>
        new(store, _metrics, Microsoft.Extensions.Options.Options.Create(_options), _time, NullLogger<ActiveSessionsGauge>.Instance);

    private (string Frontend, long Count)[] Observed()
    {
        _gauge.Clear();
        _gauge.RecordObservableInstruments();
        return [.. _gauge.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bff.frontend"]!, m.Value))];
    }
}
