using Bff.Configuration;
using Bff.Security;
using Bff.Sessions;
using Bff.Telemetry;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Security;

public sealed class SecuritySignalsTests : IDisposable
{
    private const string Chrome120 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
    private const string Chrome121 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0 Safari/537.36";
    private const string Firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private readonly SecuritySignals _signals;
    private readonly MetricCollector<long> _events;

    public SecuritySignalsTests()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddLogging(logging => logging.AddProvider(_logs));
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(SessionStoreKind.InMemory);
        services.AddSingleton<BffMetrics>();
        services.AddSingleton(Options.Create(new BffOptions { Security = { InvalidCookieBurst = 3, CsrfRejectionBurst = 2 } }));
        services.AddBffSecurity();
        _services = services.BuildServiceProvider();
        _signals = _services.GetRequiredService<SecuritySignals>();
        _events = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), BffTelemetry.MeterName, "bff.security.events");
    }

    public void Dispose()
    {
        _events.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void InvalidCookies_OverTheThresholdFromOneAddress_OneBurst()
    {
        for (var i = 0; i < 10; i++)
        {
            _signals.InvalidCookie(Request("203.0.113.7"));
        }

        Assert.Equal(["invalid_cookie_burst"], Raised(_events));
        var log = Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.InvalidCookieBurst);
        Assert.Contains("203.0.113.0/24", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidCookies_AtTheThreshold_OrSpreadOverAddresses_NoSignal()
    {
        for (var i = 0; i < 3; i++)
        {
            _signals.InvalidCookie(Request("203.0.113.7"));
            _signals.InvalidCookie(Request("203.0.113.8"));
        }

        Assert.Empty(Raised(_events));
    }

    [Fact]
    public void CsrfRejections_OverTheThreshold_OneBurst_AndAgainTheNextMinute()
    {
        for (var i = 0; i < 5; i++)
        {
            _signals.CsrfRejected(Request("2001:db8::1"));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            _signals.CsrfRejected(Request("2001:db8::1"));
        }

        Assert.Equal(["csrf_rejection_burst", "csrf_rejection_burst"], Raised(_events));
        Assert.Equal(2, _logs.Records.Count(r => r.EventId.Id == BffEventIds.CsrfRejectionBurst));
    }

    [Fact]
    public async Task SignedIn_FirstLoginOfASubject_KnownDevice_OrNewVersion_NoSignal()
    {
        await _signals.SignedInAsync(Request("203.0.113.7", Chrome120), "s1", "alice", default);
        await _signals.SignedInAsync(Request("203.0.113.7", Chrome120), "s2", "alice", default);
        // Another address in the same /24, and the browser's next version: the same device.
        await _signals.SignedInAsync(Request("203.0.113.200", Chrome121), "s3", "alice", default);

        Assert.Empty(Raised(_events));
    }

    [Theory]
    [InlineData("203.0.113.7", Firefox)]
    [InlineData("198.51.100.7", Chrome120)]
    public async Task SignedIn_AnotherFamilyOrNetwork_NewDevice(string address, string userAgent)
    {
        await _signals.SignedInAsync(Request("203.0.113.7", Chrome120), "s1", "alice", default);

        await _signals.SignedInAsync(Request(address, userAgent), "s2", "alice", default);

        Assert.Equal(["new_device"], Raised(_events));
        var log = Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.NewDevice);
        Assert.Contains("s2", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedIn_AfterTheWindow_TheSubjectStartsOver()
    {
        await _signals.SignedInAsync(Request("203.0.113.7", Chrome120), "s1", "alice", default);
        _time.Advance(TimeSpan.FromDays(30));

        await _signals.SignedInAsync(Request("198.51.100.7", Firefox), "s2", "alice", default);
        await _signals.SignedInAsync(Request("203.0.113.7", Chrome120), "s3", "alice", default);

        // Both were forgotten: the first login after the window has nothing to compare with, the second is new.
        Assert.Equal(["new_device"], Raised(_events));
    }

    [Fact]
    public async Task SignedIn_DeviceStoreFails_LoggedAndNoSignal()
    {
        var failing = new SecuritySignals(_services.GetRequiredService<SecurityEvents>(), new FailingDevices(),
            _services.GetRequiredService<IOptions<BffOptions>>(), _time, _services.GetRequiredService<ILogger<SecuritySignals>>());

        await failing.SignedInAsync(Request("203.0.113.7", Chrome120), "s1", "alice", default);

        Assert.Empty(Raised(_events));
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.NewDeviceCheckFailed);
    }

    [Fact]
    public void RefreshTokenReuse_AndBackchannelReplay_RaisedAsReported()
    {
        _signals.RefreshTokenReused("s1", "alice");
        _signals.LogoutTokenReplayed("https://idp", "alice");

        Assert.Equal(["refresh_token_reuse", "backchannel_replay"], Raised(_events));
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.RefreshTokenReuse);
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.BackchannelReplay);
    }

    private static DefaultHttpContext Request(string address, string? userAgent = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (userAgent is not null)
        {
            context.Request.Headers.UserAgent = userAgent;
        }

        return context;
    }

    private sealed class FailingDevices : IKnownDevices
    {
        public Task<DeviceNovelty> RememberAsync(string subject, string device, CancellationToken cancellationToken) =>
            Task.FromException<DeviceNovelty>(new TimeoutException());
    }

    private static string[] Raised(MetricCollector<long> signals) =>
        [.. signals.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => (string)m.Tags["kind"]!)];
}
