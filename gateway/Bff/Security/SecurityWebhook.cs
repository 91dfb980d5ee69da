using Bff.Configuration;
using Bff.Telemetry;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Security;

/// <summary>
/// Sends each security signal to <c>Bff:Security:WebhookUrl</c> as a JSON POST, its body signed with
/// HMAC-SHA256 under <c>Bff:Security:WebhookSecret</c> (<c>X-Bff-Signature: sha256=&lt;hex&gt;</c>). A request
/// only enqueues; one background loop sends, in order, retrying a failed delivery with growing pauses. The queue
/// is bounded: while it is full, new signals are dropped (logged and counted) rather than held without end.
/// </summary>
internal sealed partial class SecurityWebhook : BackgroundService
{
    public const string HttpClientName = "Bff.SecurityWebhook";
    public const string SignatureHeader = "X-Bff-Signature";

    /// <summary>The pauses before each retry; after the last one fails, the signal is given up (it stays in the log).</summary>
    internal static readonly TimeSpan[] Backoff =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<SecurityEvent>? _queue;
    private readonly Uri? _url;
    private readonly byte[] _secret;
    private readonly IHttpClientFactory _clients;
    private readonly BffMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _dropping;

    public SecurityWebhook(IOptions<BffOptions> options, IHttpClientFactory clients, BffMetrics metrics, TimeProvider time, ILogger<SecurityWebhook> logger)
    {
        var security = options.Value.Security;
        _clients = clients;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _secret = Encoding.UTF8.GetBytes(security.WebhookSecret ?? "");
        if (!string.IsNullOrEmpty(security.WebhookUrl))
        {
            _url = new Uri(security.WebhookUrl);
            _queue = Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(security.WebhookQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
        }
    }

    /// <summary>Queues the signal for sending; never waits. False when there is no webhook or its queue is full.</summary>
    public bool TryEnqueue(SecurityEvent signal)
    {
        if (_queue is null)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(signal))
        {
            Volatile.Write(ref _dropping, 0);
            return true;
        }

        _metrics.SecurityWebhookDropped();
        // Once per run of drops: a flood that fills the queue would otherwise log as fast as it arrives.
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            LogQueueFull(_logger, signal.Kind, _queue.Reader.Count);
        }

        return false;
    }

    /// <summary>The value of <see cref="SignatureHeader"/> for <paramref name="body"/>.</summary>
    internal static string Sign(byte[] secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_queue is null)
        {
            return;
        }

        await foreach (var signal in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await DeliverAsync(signal, stoppingToken);
        }
    }

    internal async Task DeliverAsync(SecurityEvent signal, CancellationToken stoppingToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(signal, SecurityJsonContext.Default.SecurityEvent);
        var signature = Sign(_secret, body);
        for (var attempt = 0; ; attempt++)
        {
            var failure = await TrySendAsync(body, signature, stoppingToken);
            if (failure is null)
            {
                return;
            }

            if (attempt >= Backoff.Length)
            {
                LogAbandoned(_logger, signal.Kind, signal.Id, attempt + 1, failure);
                return;
            }

            LogRetry(_logger, signal.Kind, signal.Id, failure, Backoff[attempt]);
            await Task.Delay(Backoff[attempt], _time, stoppingToken);
        }
    }

    // Null on a 2xx; otherwise what went wrong, for the log (a status or an exception type, nothing of the body).
    private async Task<string?> TrySendAsync(byte[] body, string signature, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation(SignatureHeader, signature);
            using var response = await _clients.CreateClient(HttpClientName).SendAsync(request, linked.Token);
            return response.IsSuccessStatusCode ? null : "status " + (int)response.StatusCode;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException)
        {
            return ex is OperationCanceledException ? "timeout" : ex.GetType().Name;
        }
    }

    [LoggerMessage(EventId = BffEventIds.SecurityWebhookRetry, Level = LogLevel.Warning,
        Message = "The security webhook did not take signal {Kind} {SignalId} ({Failure}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string kind, string signalId, string failure, TimeSpan delay);

    [LoggerMessage(EventId = BffEventIds.SecurityWebhookAbandoned, Level = LogLevel.Error,
        Message = "The security webhook did not take signal {Kind} {SignalId} after {Attempts} attempts ({Failure}); given up")]
    private static partial void LogAbandoned(ILogger logger, string kind, string signalId, int attempts, string failure);

    [LoggerMessage(EventId = BffEventIds.SecurityWebhookQueueFull, Level = LogLevel.Warning,
        Message = "The security webhook's queue is full ({Queued} waiting): signal {Kind} and those after it are dropped until it drains")]
    private static partial void LogQueueFull(ILogger logger, string kind, int queued);
}
