using System.Globalization;

namespace Bff.Sessions;

/// <summary>What a message on the invalidation channel says (see <see cref="SessionInvalidationMessage"/>).</summary>
internal enum SessionInvalidationKind
{
    /// <summary><c>s:&lt;id&gt;</c>: the session changed or ended; any copy of it is stale.</summary>
    SessionChanged,

    /// <summary><c>v:&lt;version&gt;:&lt;id&gt;</c>: the session's tokens were written, giving it this version (the token write's script publishes it).</summary>
    TokensWritten,

    /// <summary><c>r:&lt;id&gt;</c>: the session's refresh lock was released.</summary>
    LockReleased,

    /// <summary><c>p:&lt;instance&gt;:&lt;sequence&gt;</c>: an instance's ping to itself.</summary>
    Ping,
}

/// <summary>
/// One message on the session invalidation channel, as the instances and the token write's script publish them. A
/// message that is none of these forms is not one: a listener ignores it rather than guess what it evicts.
/// </summary>
/// <param name="Kind">Which message it is.</param>
/// <param name="Id">The session; for a ping, the instance that sent it.</param>
/// <param name="Number">The session's new version (<see cref="SessionInvalidationKind.TokensWritten"/>) or the
/// ping's sequence number; 0 otherwise.</param>
internal readonly record struct SessionInvalidationMessage(SessionInvalidationKind Kind, string Id, long Number = 0)
{
    private const string PingPrefix = "p:";
    private const string SessionPrefix = "s:";
    private const string LockReleasedPrefix = "r:";
    private const string TokensWrittenPrefix = "v:";

    /// <summary>The ping <paramref name="instance"/> publishes to itself.</summary>
    public static string Ping(string instance, long sequence) =>
        PingPrefix + instance + ":" + sequence.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out SessionInvalidationMessage message)
    {
        message = default;
        if (text is null)
        {
            return false;
        }

        if (text.StartsWith(SessionPrefix, StringComparison.Ordinal))
        {
            message = new(SessionInvalidationKind.SessionChanged, text[SessionPrefix.Length..]);
            return true;
        }

        if (text.StartsWith(LockReleasedPrefix, StringComparison.Ordinal))
        {
            message = new(SessionInvalidationKind.LockReleased, text[LockReleasedPrefix.Length..]);
            return true;
        }

        // Both split at the first colon: a session id may hold colons, so the version comes before it; an instance
        // (a Guid, "N") holds none.
        if (text.StartsWith(TokensWrittenPrefix, StringComparison.Ordinal))
        {
            var rest = text.AsSpan(TokensWrittenPrefix.Length);
            var colon = rest.IndexOf(':');
            if (colon <= 0 || !TryParseNumber(rest[..colon], out var version))
            {
                return false;
            }

            message = new(SessionInvalidationKind.TokensWritten, rest[(colon + 1)..].ToString(), version);
            return true;
        }

        if (text.StartsWith(PingPrefix, StringComparison.Ordinal))
        {
            var rest = text.AsSpan(PingPrefix.Length);
            var colon = rest.IndexOf(':');
            if (colon <= 0 || !TryParseNumber(rest[(colon + 1)..], out var sequence))
            {
                return false;
            }

            message = new(SessionInvalidationKind.Ping, rest[..colon].ToString(), sequence);
            return true;
        }

        return false;
    }

    // Digits only: no sign, no white space.
    private static bool TryParseNumber(ReadOnlySpan<char> digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
