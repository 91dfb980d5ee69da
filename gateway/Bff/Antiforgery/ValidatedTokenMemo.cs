using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    public bool Matches(BffSession session, ReadOnlySpan<char> cookieToken, string requestToken) =>
        !cookieToken.IsEmpty
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

    // In time that depends on the lengths only, like CryptographicOperations.FixedTimeEquals, but eight bytes at
    // a time: that one goes byte by byte in unoptimised code, and over a pair of tokens of a few hundred characters
    // it cost more than the rest of the check (docs/performance.md). No branch depends on the content: the
    // differences are OR-ed together and judged once at the end.
    internal static bool FixedTimeEquals(ReadOnlySpan<char> expected, ReadOnlySpan<char> actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        var left = MemoryMarshal.AsBytes(expected);
        var right = MemoryMarshal.AsBytes(actual);
        ulong difference = 0;
        var i = 0;
        for (; i <= left.Length - sizeof(ulong); i += sizeof(ulong))
        {
            difference |= MemoryMarshal.Read<ulong>(left[i..]) ^ MemoryMarshal.Read<ulong>(right[i..]);
        }

        for (; i < left.Length; i++)
        {
            difference |= (uint)(left[i] ^ right[i]);
        }

        return difference == 0;
    }

    private sealed record ValidatedPair(string CookieToken, string RequestToken);
}
