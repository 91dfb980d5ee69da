using Bff.Idp;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Bff.Sessions;

/// <summary>
/// Encrypts what a session stores (tokens, claims) with Data Protection, so a Redis dump alone yields
/// nothing usable.
/// </summary>
/// <remarks>
/// The id the data is stored under is a purpose of its own: what was written for one session does not decrypt
/// for another, so write access to Redis without the key ring cannot move a victim's session onto the key of a
/// session whose cookie one holds.
/// </remarks>
internal sealed class SessionProtector(IDataProtectionProvider provider, KeyRingReloadGate keyRing)
{
    private readonly IDataProtector _metadata = provider.CreateProtector("Bff.Session.Metadata.v2");
    private readonly IDataProtector _tokens = provider.CreateProtector("Bff.Session.Tokens.v2");

    /// <param name="id">The session id (or cache key) the data is stored under, and may only be read under.</param>
    /// <param name="metadata">What never changes after login.</param>
    public byte[] Protect(string id, SessionMetadata metadata) =>
        _metadata.CreateProtector(id).Protect(JsonSerializer.SerializeToUtf8Bytes(metadata, SessionJsonContext.Default.SessionMetadata));

    /// <param name="id">The session id (or cache key) the data is stored under, and may only be read under.</param>
    /// <param name="tokens">The tokens to encrypt.</param>
    public byte[] Protect(string id, TokenSet tokens) =>
        _tokens.CreateProtector(id).Protect(JsonSerializer.SerializeToUtf8Bytes(tokens, SessionJsonContext.Default.TokenSet));

    // What another instance wrote may name a key this one has not loaded yet: wait for the ring without holding
    // a thread (KeyRingReloadGate). Whether the key turned up or not, Unprotect decides.
    public async ValueTask<SessionMetadata> UnprotectMetadataAsync(string id, byte[] data, CancellationToken cancellationToken)
    {
        await keyRing.WaitForKeyAsync(data, cancellationToken);
        return JsonSerializer.Deserialize(_metadata.CreateProtector(id).Unprotect(data), SessionJsonContext.Default.SessionMetadata)
            ?? throw new InvalidDataException("Empty session metadata.");
    }

    public async ValueTask<TokenSet> UnprotectTokensAsync(string id, byte[] data, CancellationToken cancellationToken)
    {
        await keyRing.WaitForKeyAsync(data, cancellationToken);
        return JsonSerializer.Deserialize(_tokens.CreateProtector(id).Unprotect(data), SessionJsonContext.Default.TokenSet)
            ?? throw new InvalidDataException("Empty session tokens.");
    }

    /// <summary>
    /// The tokens of a grace entry (<see cref="ISessionStore.GetGraceTokensAsync"/>), or null when they cannot be
    /// decrypted: the entry only spares a refresh, so one that cannot be read is as good as absent.
    /// </summary>
    public async ValueTask<TokenSet?> TryUnprotectGraceTokensAsync(string id, byte[] data, CancellationToken cancellationToken)
    {
        try
        {
            return await UnprotectTokensAsync(id, data, cancellationToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static BffSession Compose(string id, SessionMetadata m, TokenSet tokens, DateTimeOffset lastSeen, long version) => new()
    {
        Id = id,
        Subject = m.Subject,
        IdpSessionId = m.IdpSessionId,
        Claims = m.Claims,
        Tokens = tokens,
        CreatedAt = m.CreatedAt,
        AbsoluteExpiresAt = m.AbsoluteExpiresAt,
        IdleTimeout = m.IdleTimeout,
        UserAgent = m.UserAgent,
        IpAddress = m.IpAddress,
        Frontend = m.Frontend,
        LastSeenAt = lastSeen,
        Version = version,
    };

    public static SessionMetadata MetadataOf(BffSession s) =>
        new(s.Subject, s.IdpSessionId, s.Claims, s.CreatedAt, s.AbsoluteExpiresAt, s.UserAgent, s.IpAddress, s.Frontend, s.IdleTimeout);
}
