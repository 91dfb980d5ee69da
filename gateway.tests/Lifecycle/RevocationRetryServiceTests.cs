using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Lifecycle;

/// <summary>Revocation retries on a fake clock against the fake IdP's revocation endpoint: backoff, success, giving up.</summary>
public sealed class RevocationRetryServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeOidcProvider _idp = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly InMemoryRevocationQueue _queue = new();
    private readonly IOptions<BffOptions> _options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
    private readonly BffMetrics _metrics;
    private readonly RefreshTokenRevoker _revoker;
    private readonly RevocationRetryService _service;

    public RevocationRetryServiceTests()
    {
        _metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _revoker = RevokerAt(revocationEndpoint: null);
        _service = new RevocationRetryService(_queue, _revoker, _time, _metrics, NullLogger<RevocationRetryService>.Instance);
    }

    // The fake IdP's revocation endpoint, or another one.
    private RefreshTokenRevoker RevokerAt(string? revocationEndpoint) =>
        new(TestIdpTokenClient.Create(_idp, _options, _metrics, _time, revocationEndpoint), _queue, _time, _metrics,
            NullLogger<RefreshTokenRevoker>.Instance);

    public void Dispose()
    {
        _service.Dispose();
        _idp.Dispose();
        _services.Dispose();
    }

    private int Calls => _idp.RevocationRequests.Count;

    [Fact]
    public async Task IdpKeepsFailing_RetriedWithDoublingDelaysThenGivenUp()
    {
        _idp.RespondToRevocation(503);
        var meters = _services.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.revocation.attempts");
        using var abandoned = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.revocation.abandoned");
        using var depth = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.revocation.queue.depth");

        Assert.False(await _revoker.RevokeNowAsync("s1", "rt-1"));
        Assert.Equal(1, Calls);

        for (var attempt = 2; attempt <= RefreshTokenRevoker.MaxAttempts; attempt++)
        {
            var least = Backoff(attempt - 1);
            _time.Advance(least - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await _service.ProcessDueAsync(default));

            // Jitter adds at most a tenth.
            _time.Advance((least * 0.1) + TimeSpan.FromSeconds(2));
            Assert.Equal(1, await _service.ProcessDueAsync(default));
            Assert.Equal(attempt, Calls);
        }

        Assert.Equal(0, _queue.Count);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await _service.ProcessDueAsync(default));
        Assert.Equal(RefreshTokenRevoker.MaxAttempts, Calls);

        var recorded = attempts.GetMeasurementSnapshot();
        Assert.Equal(RefreshTokenRevoker.MaxAttempts, recorded.Count);
        Assert.All(recorded, m => Assert.Equal("failure", m.Tags["bff.revocation.outcome"]));
        Assert.Equal(1, abandoned.GetMeasurementSnapshot().EvaluateAsCounter());
        // The gauge reads what the last pass counted: the one item while it was queued, none after it was given up.
        depth.RecordObservableInstruments();
        Assert.Equal(0, depth.LastMeasurement!.Value);
    }

    [Fact]
    public async Task QueueDepth_CountedByThePass_AtMostEveryInterval()
    {
        _idp.RespondToRevocation(503);
        using var depth = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), BffTelemetry.MeterName, "bff.revocation.queue.depth");
        await _revoker.RevokeLaterAsync("s1", "rt-1");
        await _revoker.RevokeLaterAsync("s2", "rt-2");

        await _service.ProcessDueAsync(default);
        depth.RecordObservableInstruments();
        Assert.Equal(2, depth.LastMeasurement!.Value);

        await _revoker.RevokeLaterAsync("s3", "rt-3");
        await _service.ProcessDueAsync(default);
        depth.RecordObservableInstruments();
        Assert.Equal(2, depth.LastMeasurement!.Value);

        _time.Advance(RevocationRetryService.DepthInterval);
        await _service.ProcessDueAsync(default);
        depth.RecordObservableInstruments();
        Assert.Equal(3, depth.LastMeasurement!.Value);
    }

    [Fact]
    public async Task IdpRecovers_RevokedOnTheNextAttemptAndDone()
    {
        _idp.RespondToRevocation(503);
        Assert.False(await _revoker.RevokeNowAsync("s1", "rt-1"));
        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(1, await _service.ProcessDueAsync(default));
        _idp.RespondToRevocation(200);

        _time.Advance(TimeSpan.FromSeconds(23));
        Assert.Equal(1, await _service.ProcessDueAsync(default));

        Assert.Equal(3, Calls);
        Assert.Contains("token=rt-1", _idp.RevocationRequests[^1], StringComparison.Ordinal);
        Assert.Equal(0, _queue.Count);
        _time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await _service.ProcessDueAsync(default));
        Assert.Equal(3, Calls);
    }

    [Fact]
    public async Task RevokeNow_IdpAnswers_NothingQueued()
    {
        _idp.RespondToRevocation(200);

        Assert.True(await _revoker.RevokeNowAsync("s1", "rt-1"));

        Assert.Equal(1, Calls);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task RevokeNow_IdpUnreachable_Queued()
    {
        // Bound but never listening, the address refuses every connection; and held for the test, no other test's
        // server can take it, as one can take a stopped server's port (and answer the revocation).
        using var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refused.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var revoker = RevokerAt($"http://127.0.0.1:{((IPEndPoint)refused.LocalEndPoint!).Port}/revoke");

        Assert.False(await revoker.RevokeNowAsync("s1", "rt-1"));

        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, Calls);
    }

    [Fact]
    public async Task RevokeLater_DueAtOnce()
    {
        _idp.RespondToRevocation(200);

        await _revoker.RevokeLaterAsync("s1", "rt-1");

        Assert.Equal(0, Calls);
        Assert.Equal(1, await _service.ProcessDueAsync(default));
        Assert.Equal(1, Calls);
        Assert.Equal(0, _queue.Count);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(5, 160)]
    [InlineData(9, 2560)]
    [InlineData(10, 3600)]
    [InlineData(11, 3600)]
    public void RetryDelay_DoublesFromTenSecondsUpToAnHourPlusUpToATenth(int failedAttempts, int seconds)
    {
        var delay = RefreshTokenRevoker.RetryDelay(failedAttempts);

        Assert.InRange(delay.TotalSeconds, seconds, seconds * 1.1);
    }

    private static TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromSeconds(Math.Min(10 * Math.Pow(2, failedAttempts - 1), 3600));
}
