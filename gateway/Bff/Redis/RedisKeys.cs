using Bff.Idp;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Bff.Redis;

/// <summary>
/// Every Redis key and channel name of the gateway, under one prefix (<c>Bff:Redis:KeyPrefix</c>) so that
/// deployments can share a Redis. The part in braces is a hash tag: every key of one session (its hash, its
/// refresh lock, its grace entries) lands in one Redis Cluster slot, so one Lua script may touch them together.
/// Indexes are keyed by a hash of the user or IdP session, never by the raw identifier.
/// </summary>
internal sealed class RedisKeys
{
    /// <summary>The keys of the default prefix, <c>bff</c>.</summary>
    public static readonly RedisKeys Default = new("bff");

    private readonly string _prefix;

    public RedisKeys(string prefix)
    {
        _prefix = prefix;
        InvalidationChannel = RedisChannel.Literal(prefix + ":inv");
        RevocationQueue = prefix + ":rv:{q}";
        RevocationItems = prefix + ":rv:{q}:items";
        DataProtectionKeys = prefix + ":dp:keys";
    }

    /// <summary>Where every change to a session, and every release of a refresh lock, is announced.</summary>
    public RedisChannel InvalidationChannel { get; }

    /// <summary>The sorted set of pending refresh-token revocations, by due time.</summary>
    public RedisKey RevocationQueue { get; }

    /// <summary>The hash of the pending revocations themselves (same hash tag as <see cref="RevocationQueue"/>).</summary>
    public RedisKey RevocationItems { get; }

    /// <summary>The Data Protection key ring (a list).</summary>
    public string DataProtectionKeys { get; }

    public RedisKey Session(string id) => $"{_prefix}:s:{{{id}}}";

    public RedisKey RefreshLock(string id) => $"{_prefix}:s:{{{id}}}:lock";

    public RedisKey RefreshGrace(string id, string refreshTokenHash) => $"{_prefix}:s:{{{id}}}:grace:{refreshTokenHash}";

    /// <summary>The per-session rate limit's token bucket (in the session's slot, but not part of the session).</summary>
    public RedisKey SessionRateLimit(string id) => $"{_prefix}:s:{{{id}}}:rl";

    /// <summary>The per-address login limit's token bucket (<see cref="Hash"/> of the address).</summary>
    public RedisKey AddressRateLimit(string addressHash) => $"{_prefix}:rl:{{{addressHash}}}";

    public RedisKey SubjectIndex(string subjectHash) => $"{_prefix}:u:{{{subjectHash}}}";

    public RedisKey IdpSessionIndex(string idpSessionHash) => $"{_prefix}:i:{{{idpSessionHash}}}";

    /// <summary>A client-credentials token shared by every instance.</summary>
    public RedisKey ClientToken(string key) => $"{_prefix}:cc:{{{key}}}";

    /// <summary>A seen back-channel logout token (<see cref="Hash"/> of its issuer and <c>jti</c>).</summary>
    public RedisKey LogoutToken(string tokenHash) => $"{_prefix}:lt:{{{tokenHash}}}";

    /// <summary>That a subject (<see cref="Hash"/> of its <c>sub</c>) logged in within the new-device window.</summary>
    public RedisKey KnownSubject(string subjectHash) => $"{_prefix}:dv:{{{subjectHash}}}";

    /// <summary>A device (user agent family and network, hashed) the subject logged in from within the window.</summary>
    public RedisKey KnownDevice(string subjectHash, string deviceHash) => $"{_prefix}:dv:{{{subjectHash}}}:{deviceHash}";

    /// <summary>
    /// The live sessions of a frontend (its name; empty for the default one), a sorted set scored by expiry: in a slot
    /// of its own, so written apart from the sessions themselves.
    /// </summary>
    public RedisKey ActiveSessions(string frontend) => $"{_prefix}:as:{{{frontend}}}";

    /// <summary>A refresh token (hashed) sent to the IdP whose answer may not have been saved, in the session's slot.</summary>
    public RedisKey RefreshSent(string id) => $"{_prefix}:s:{{{id}}}:sent";

    /// <summary>128 bits of SHA-256, base64url: stable, short, and says nothing about the input.</summary>
    public static string Hash(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
