using Bff.Telemetry;
using Microsoft.AspNetCore.Http;
using System.Collections.Concurrent;

namespace Bff.Tests.Support;

/// <summary>An <see cref="ISecurityObserver"/> that records what the layers under test report, one line per call.</summary>
internal sealed class RecordingSecurityObserver : ISecurityObserver
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public void InvalidCookie(HttpContext context) => Calls.Enqueue("invalid_cookie");

    public void CsrfRejected(HttpContext context) => Calls.Enqueue("csrf_rejected");

    public void RefreshTokenReused(string sessionId, string subject) => Calls.Enqueue($"refresh_token_reused {sessionId} {subject}");

    public void LogoutTokenReplayed(string issuer, string? subject) => Calls.Enqueue($"logout_token_replayed {subject}");

    public Task SignedInAsync(HttpContext context, string sessionId, string subject, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"signed_in {subject}");
        return Task.CompletedTask;
    }
}
