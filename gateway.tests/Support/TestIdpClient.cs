using Bff.Configuration;
using Bff.Idp;
using Bff.Telemetry;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Support;

/// <summary>
/// The gateway's IdP HttpClient as <c>AddBffIdp</c> registers it (bulkhead, circuit breaker, timeout, body read), on
/// a fake clock, in front of a scripted IdP: each call waits until cancelled unless <see cref="Answer"/> says
/// otherwise. Counts the calls that reached the IdP, and keeps the client's logs and <c>bff.idp.*</c> measurements.
/// </summary>
internal sealed class TestIdpClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener;
    private readonly List<(string Instrument, string Tag)> _measurements = [];
    private readonly CancellationTokenSource _stop = new();
    private int _calls;

    public TestIdpClient(Action<BffTokenOptions>? tokens = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<BffMetrics>();
        services.AddOptions<BffOptions>().Configure(options =>
        {
            options.Tokens.IdpTimeout = IdpTimeout;
            tokens?.Invoke(options.Tokens);
        });
        services.AddBffIdp();
        services.AddHttpClient(IdpTokenClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new Idp(this));
        _services = services.BuildServiceProvider();
        _listener = Listen(_services.GetRequiredService<IMeterFactory>());
    }

    public static TimeSpan IdpTimeout { get; } = TimeSpan.FromSeconds(2);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>How the IdP answers a call; by default it never does.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer { get; set; } = async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    };

    public IdpCallLimiter Limiter => _services.GetRequiredService<IdpCallLimiter>();

    /// <summary>Calls that reached the IdP.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>What <c>bff.idp.*</c> counters recorded, as (instrument, its one tag's value).</summary>
    public IReadOnlyList<(string Instrument, string Tag)> Measurements
    {
        get
        {
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>Event ids the gateway's own code logged, in order (not HttpClient's or Polly's).</summary>
    public IReadOnlyList<int> EventIds => [.. Logs.Records.Where(r => r.Category.StartsWith("Bff.", StringComparison.Ordinal)).Select(r => r.EventId.Id)];

    /// <summary>A POST (or <paramref name="method"/>) through the client, marked as <paramref name="kind"/> unless null.</summary>
    public Task<HttpResponseMessage> SendAsync(IdpCallKind? kind, CancellationToken cancellationToken = default, HttpMethod? method = null, string path = "/token")
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, "http://idp.test" + path);
        if (kind is { } k)
        {
            IdpCallLimiter.Mark(request, k);
        }

        var client = _services.GetRequiredService<IHttpClientFactory>().CreateClient(IdpTokenClient.HttpClientName);
        return client.SendAsync(request, cancellationToken);
    }

    /// <summary>Waits (bounded, never the claim) until <paramref name="count"/> calls have reached the IdP.</summary>
    public Task CallsReachedAsync(int count) =>
        Eventually.TrueAsync(() => Calls >= count, TimeSpan.FromSeconds(30), $"{count} calls to reach the IdP");

    public async ValueTask DisposeAsync()
    {
        // Calls the IdP still holds (a test that failed half-way) end first: disposing the pipeline waits for them.
        await _stop.CancelAsync();
        _listener.Dispose();
        await Time.DriveDisposalAsync(_services.DisposeAsync);
        _stop.Dispose();
    }

    private MeterListener Listen(IMeterFactory factory)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name.StartsWith("bff.idp.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Rare-event counters start with a series at zero (BffMetrics): only events count here.
            if (value == 0)
            {
                return;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, tags.Length > 0 ? tags[0].Value?.ToString() ?? "" : ""));
            }
        });
        listener.Start();
        return listener;
    }

    private sealed class Idp(TestIdpClient owner) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._calls);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, owner._stop.Token);
            return await owner.Answer(request, call.Token);
        }
    }
}
