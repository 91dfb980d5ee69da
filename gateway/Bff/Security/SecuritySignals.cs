using Bff.Configuration;
using Bff.Endpoints;
using Bff.RateLimiting;
using Bff.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Security;

/// <summary>
/// Judges what the lower layers report (<see cref="ISecurityObserver"/>) and raises the security signals: bursts
/// per address per minute, logins from devices the subject has not used within the window, and the two the
/// lower layers decide themselves (refresh-token reuse, a replayed logout token).
/// </summary>
internal sealed partial class SecuritySignals(
    SecurityEvents events,
    IKnownDevices devices,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<SecuritySignals> logger) : ISecurityObserver
{
    private readonly AddressBursts _invalidCookies = new(options.Value.Security.InvalidCookieBurst, time);
    private readonly AddressBursts _csrfRejections = new(options.Value.Security.CsrfRejectionBurst, time);

    public void InvalidCookie(HttpContext context) => CountBurst(_invalidCookies, context, SecurityEventKinds.InvalidCookieBurst);

    public void CsrfRejected(HttpContext context) => CountBurst(_csrfRejections, context, SecurityEventKinds.CsrfRejectionBurst);

    public void RefreshTokenReused(string sessionId, string subject) =>
        events.Raise(new SecurityEvent(SecurityEventKinds.RefreshTokenReuse, time.GetUtcNow(), sessionId, subject));

    public void LogoutTokenReplayed(string issuer, string? subject) =>
        events.Raise(new SecurityEvent(SecurityEventKinds.BackchannelReplay, time.GetUtcNow(), Subject: subject));

    public async Task SignedInAsync(HttpContext context, string sessionId, string subject, CancellationToken cancellationToken)
    {
        var network = ClientNetwork.Of(context.Connection.RemoteIpAddress);
        var device = UserAgentParser.Parse(context.Request.Headers.UserAgent.ToString());
        // The family without its version: a browser update is not a new device.
        var family = FamilyOf(device.Browser) + " on " + FamilyOf(device.Os);
        DeviceNovelty novelty;
        try
        {
            novelty = await devices.RememberAsync(subject, family + "\n" + network, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A signal is worth less than the login it is about: Redis trouble here is logged, the login goes on.
            LogCheckFailed(logger, sessionId, ex.GetType().Name);
            return;
        }

        if (novelty == DeviceNovelty.New)
        {
            events.Raise(new SecurityEvent(SecurityEventKinds.NewDevice, time.GetUtcNow(), sessionId, subject, network, family));
        }
    }

    private void CountBurst(AddressBursts bursts, HttpContext context, string kind)
    {
        var address = context.Connection.RemoteIpAddress;
        if (bursts.Count(ClientAddress.KeyOf(address), out var count))
        {
            events.Raise(new SecurityEvent(kind, time.GetUtcNow(), Network: ClientNetwork.Of(address), Count: count));
        }
    }

    internal static string FamilyOf(string browser)
    {
        var space = browser.LastIndexOf(' ');
        return space > 0 && char.IsAsciiDigit(browser[space + 1]) ? browser[..space] : browser;
    }

    [LoggerMessage(EventId = BffEventIds.NewDeviceCheckFailed, Level = LogLevel.Warning,
        Message = "Could not check whether session {SessionId} logged in from a new device ({ExceptionType}); no signal was raised")]
    private static partial void LogCheckFailed(ILogger logger, string sessionId, string exceptionType);
}
