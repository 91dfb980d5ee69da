using Bff.Configuration;
using Bff.Security;
using Bff.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Security;

public sealed class SecurityWebhookTests : IDisposable
{
    private const string Secret = "a-webhook-secret-of-some-length";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConcurrentQueue<(string Body, string? Signature)> _received = new();
    private readonly ConcurrentQueue<HttpStatusCode> _answers = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Delivery_SignsTheBody_WithHmacSha256OfTheSecret()
    {
        var webhook = Create();

        await webhook.DeliverAsync(new SecurityEvent("new_device", _time.GetUtcNow(), "s1", "alice", "203.0.113.0/24", "Chrome on Windows"), default);

        var (body, signature) = Assert.Single(_received);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, signature);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("new_device", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("s1", json.RootElement.GetProperty("sessionId").GetString());
        Assert.Equal("alice", json.RootElement.GetProperty("subject").GetString());
        Assert.Equal(32, json.RootElement.GetProperty("id").GetString()!.Length);
        Assert.False(json.RootElement.TryGetProperty("count", out _));
    }

    [Fact]
    public async Task Delivery_Refused_RetriedWithBackoff_UntilTaken()
    {
        _answers.Enqueue(HttpStatusCode.InternalServerError);
        _answers.Enqueue(HttpStatusCode.BadGateway);
        var webhook = Create();

        var delivery = webhook.DeliverAsync(new SecurityEvent("refresh_token_reuse", _time.GetUtcNow(), "s1", "alice"), default);
        await DriveAsync(delivery);

        Assert.Equal(3, _received.Count);
        Assert.Single(_received.Select(r => r.Body).Distinct());
        Assert.Equal(2, _logs.Records.Count(r => r.EventId.Id == BffEventIds.SecurityWebhookRetry));
        Assert.DoesNotContain(_logs.Records, r => r.EventId.Id == BffEventIds.SecurityWebhookAbandoned);
    }

    [Fact]
    public async Task Delivery_RefusedEveryTime_GivenUpAfterTheLastRetry()
    {
        for (var i = 0; i < 20; i++)
        {
            _answers.Enqueue(HttpStatusCode.ServiceUnavailable);
        }

        var webhook = Create();

        await DriveAsync(webhook.DeliverAsync(new SecurityEvent("backchannel_replay", _time.GetUtcNow()), default));

        Assert.Equal(SecurityWebhook.Backoff.Length + 1, _received.Count);
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.SecurityWebhookAbandoned);
    }

    [Fact]
    public void Enqueue_QueueFull_DropsWithOneLogAndACount_WithoutWaiting()
    {
        // Not started: nothing drains the queue.
        var webhook = Create(capacity: 2);
        using var dropped = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), BffTelemetry.MeterName, "bff.security.webhook.dropped");

        var accepted = Enumerable.Range(0, 5).Select(_ => webhook.TryEnqueue(new SecurityEvent("new_device", _time.GetUtcNow()))).ToArray();

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.Equal(3, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.SecurityWebhookQueueFull);
    }

    [Fact]
    public async Task Started_SendsWhatWasQueued()
    {
        var webhook = Create();
        await webhook.StartAsync(default);

        webhook.TryEnqueue(new SecurityEvent("csrf_rejection_burst", _time.GetUtcNow(), Network: "203.0.113.0/24", Count: 21));

        await Eventually.TrueAsync(() => !_received.IsEmpty, TimeSpan.FromSeconds(10), "the queued signal to be sent");
        await webhook.StopAsync(default);
        Assert.Contains("\"count\":21", Assert.Single(_received).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void NoUrl_NothingQueued()
    {
        var webhook = Create(url: null);

        Assert.False(webhook.TryEnqueue(new SecurityEvent("new_device", _time.GetUtcNow())));
    }

    // Moves the fake clock until the delivery is done: each retry waits on it.
    private async Task DriveAsync(Task delivery)
    {
        for (var i = 0; i < 2000 && !delivery.IsCompleted; i++)
        {
            await Task.WhenAny(delivery, Task.Delay(TimeSpan.FromMilliseconds(5)));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await delivery;
    }

    private SecurityWebhook Create(int capacity = 100, string? url = "https://hooks.example/bff")
    {
        var options = new BffOptions { Security = { WebhookUrl = url, WebhookSecret = url is null ? null : Secret, WebhookQueueCapacity = capacity } };
        var loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        return new SecurityWebhook(Options.Create(options), new SingleClientFactory(new HttpClient(new Receiver(this))),
            new BffMetrics(_services.GetRequiredService<IMeterFactory>()), _time, loggers.CreateLogger<SecurityWebhook>());
    }

    private sealed class Receiver(SecurityWebhookTests test) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            test._received.Enqueue((body, request.Headers.TryGetValues(SecurityWebhook.SignatureHeader, out var values) ? values.Single() : null));
            return new HttpResponseMessage(test._answers.TryDequeue(out var status) ? status : HttpStatusCode.NoContent);
        }
    }
}
