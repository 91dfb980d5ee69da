using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Redis key names. The part in braces is a hash tag: every key of one session (its hash, its refresh
/// lock, its grace entries) lands in one Redis Cluster slot, so one Lua script may touch them together.
/// Indexes are keyed by a hash of the user or IdP session, never by the raw identifier.
/// </summary>
internal static class SessionKeys
{
    public static readonly RedisChannel InvalidationChannel = RedisChannel.Literal("bff:inv");

    public static RedisKey Session(string id) => $"bff:s:{{{id}}}";

    public static RedisKey RefreshLock(string id) => $"bff:s:{{{id}}}:lock";

    public static RedisKey RefreshGrace(string id, string refreshTokenHash) => $"bff:s:{{{id}}}:grace:{refreshTokenHash}";

    public static RedisKey SubjectIndex(string subjectHash) => $"bff:u:{{{subjectHash}}}";

    public static RedisKey IdpSessionIndex(string idpSessionHash) => $"bff:i:{{{idpSessionHash}}}";

    /// <summary>128 bits of SHA-256, base64url: stable, short, and says nothing about the input.</summary>
    public static string Hash(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
