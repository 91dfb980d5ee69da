using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// The format a session is stored in (its <c>fv</c> field), so that old and new instances can share one Redis
/// during a rolling deploy. An instance reads every format from <see cref="Oldest"/> to <see cref="Current"/> and
/// writes <see cref="Current"/>; a session of a newer format is left alone (neither read nor deleted) until the
/// instance that reads it answers. A change of format that old instances could not read takes two releases: the
/// first learns to read it, the second writes it.
/// </summary>
internal static class SessionFormat
{
    /// <summary>Claims and tokens encrypted under a purpose bound to the session id.</summary>
    /// <remarks>
    /// The metadata's <c>frontend</c> member came without a new format: it is written only for a named frontend's
    /// session, and a reader that lacks it takes the session as the default frontend's, which is what every session
    /// stored before it is. An instance of the release before ignores the member, and it has no named frontends.
    /// The session's own idle timeout (the metadata's <c>idleTimeout</c> member and the plain <c>idle</c> field) came
    /// without one too: a reader that finds neither takes the top-level idle timeout, which is every session's in the
    /// release before; an instance of that release ignores both and slides by its top-level idle timeout, the only
    /// one its configuration allows.
    /// </remarks>
    public const int Current = 2;

    /// <summary>
    /// Format 1 (no <c>fv</c> field) encrypted every session under one purpose, so its ciphertext could be moved
    /// between sessions: it is not read.
    /// </summary>
    public const int Oldest = 2;

    /// <summary>The format of a stored <c>fv</c> field; a session without one is format 1.</summary>
    public static int Of(RedisValue value) => value.IsNull ? 1 : (int)value;
}
