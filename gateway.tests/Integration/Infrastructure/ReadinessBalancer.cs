using Bff.Tests.Support;
using System.Globalization;
using System.Net;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// Round robin over the instances that answered 200 on <c>/readyz</c> at the last poll (every 50 ms), as a load
/// balancer with a readiness check does; what each answered, and every 5xx or failed connection.
/// </summary>
public sealed class ReadinessBalancer : IDisposable
{
    private readonly Uri[] _instances;
    private readonly bool[] _ready;
    private readonly int[] _served;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;
    private readonly Dictionary<HttpStatusCode, int> _statuses = [];
    private readonly List<string> _failures = [];

    public ReadinessBalancer(Uri[] instances)
    {
        _instances = instances;
        _ready = new bool[instances.Length];
        _served = new int[instances.Length];
        _poller = PollAsync(_stop.Token);
    }

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public int Served(Uri instance) => Volatile.Read(ref _served[Array.IndexOf(_instances, instance)]);

    public Task WaitUntilAllReadyAsync() =>
        Eventually.TrueAsync(() => Task.FromResult(_ready.All(r => Volatile.Read(ref r))), TimeSpan.FromSeconds(60), "every instance to be ready");

    public async Task RunLoadAsync(TestBrowser browser, CancellationToken cancellationToken)
    {
        var next = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var ready = Enumerable.Range(0, _instances.Length).Where(i => Volatile.Read(ref _ready[i])).ToArray();
            if (ready.Length == 0)
            {
                await Task.Delay(10, CancellationToken.None);
                continue;
            }

            var i = ready[next++ % ready.Length];
            using var client = browser.WithBaseAddress(_instances[i]);
            try
            {
                using var response = await client.GetAsync("/api/data", [new("X-CSRF", "1")], CancellationToken.None);
                lock (_failures)
                {
                    _statuses[response.StatusCode] = _statuses.GetValueOrDefault(response.StatusCode) + 1;
                    if ((int)response.StatusCode >= 500)
                    {
                        _failures.Add($"{_instances[i]}: {(int)response.StatusCode}");
                    }
                }

                Interlocked.Increment(ref _served[i]);
            }
            catch (HttpRequestException ex)
            {
                lock (_failures)
                {
                    _failures.Add($"{_instances[i]}: {ex.Message}");
                }
            }
        }
    }

    public string Describe()
    {
        lock (_failures)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"served: {string.Join(", ", _instances.Select((u, i) => $"{u.Port}={_served[i]}"))}; statuses: {string.Join(", ", _statuses.Select(s => $"{(int)s.Key}={s.Value}"))}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _poller.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _probe.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < _instances.Length; i++)
            {
                bool ready;
                try
                {
                    using var response = await _probe.GetAsync(new Uri(_instances[i], "/readyz"), cancellationToken);
                    ready = response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ready = false;
                }

                Volatile.Write(ref _ready[i], ready);
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
