using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Bff.Sessions;

namespace Bff.Antiforgery;

/// <summary>
/// Remembers, for each loaded session, the antiforgery cookie token and request token that last passed
/// validation. A SPA sends the same pair on every unsafe request of a session, and validating it means
/// decrypting both tokens: for the same session, cookie token and request token the answer cannot change,
/// so it is decrypted once per loaded session instead of once per request.
/// </summary>
/// <remarks>
/// Keyed by the session object itself (by reference, not by value), so an entry lives exactly as long as the
/// session stays loaded in this instance: a session read again from the store, refreshed or slid is a new
/// object and is validated again, and nothing here outlives the session cache's bound. Only passes are
/// remembered; tokens are compared in fixed time.
/// </remarks>
internal sealed class ValidatedTokenMemo
{
    private readonly ConditionalWeakTable<BffSession, ValidatedPair> _validated = new();

    public bool Matches(BffSession session, string? cookieToken, string requestToken) =>
        cookieToken is not null
        && _validated.TryGetValue(session, out var pair)
        && FixedTimeEquals(pair.CookieToken, cookieToken)
        && FixedTimeEquals(pair.RequestToken, requestToken);

    public void Remember(BffSession session, string? cookieToken, string requestToken)
    {
        if (cookieToken is not null)
        {
            _validated.AddOrUpdate(session, new ValidatedPair(cookieToken, requestToken));
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(actual.AsSpan()));

    private sealed record ValidatedPair(string CookieToken, string RequestToken);
}
