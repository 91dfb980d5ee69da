using Bff.Authentication;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// Binds every request token to the session that fetched it (its public id), so a token is worthless in
/// any other session: after a logout, a new login, or in another user's hands.
/// </summary>
internal sealed class SessionAntiforgeryDataProvider : IAntiforgeryAdditionalDataProvider
{
    public string GetAdditionalData(HttpContext context) => SessionIdOf(context) ?? string.Empty;

    public bool ValidateAdditionalData(HttpContext context, string additionalData) =>
        SessionIdOf(context) is { Length: > 0 } id && string.Equals(id, additionalData, StringComparison.Ordinal);

    private static string? SessionIdOf(HttpContext context) => context.Features.Get<BffSessionFeature>()?.Session.Id;
}
