using Bff.Idp;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Bff.Sessions;

/// <summary>
/// Encrypts what a session stores (tokens, claims) with Data Protection, so a Redis dump alone yields
/// nothing usable.
/// </summary>
internal sealed class SessionProtector(IDataProtectionProvider provider, KeyRingReloadGate keyRing)
{
    private readonly IDataProtector _metadata = provider.CreateProtector("Bff.Session.Metadata.v1");
    private readonly IDataProtector _tokens = provider.CreateProtector("Bff.Session.Tokens.v1");

    public byte[] Protect(SessionMetadata metadata) =>
        _metadata.Protect(JsonSerializer.SerializeToUtf8Bytes(metadata, SessionJsonContext.Default.SessionMetadata));

    public byte[] Protect(TokenSet tokens) =>
        _tokens.Protect(JsonSerializer.SerializeToUtf8Bytes(tokens, SessionJsonContext.Default.TokenSet));

    // What another instance wrote may name a key this one has not loaded yet: wait for the ring without holding
    // a thread (KeyRingReloadGate). Whether the key turned up or not, Unprotect decides.
    public async ValueTask<SessionMetadata> UnprotectMetadataAsync(byte[] data, CancellationToken cancellationToken)
    {
        await keyRing.WaitForKeyAsync(data, cancellationToken);
        return JsonSerializer.Deserialize(_metadata.Unprotect(data), SessionJsonContext.Default.SessionMetadata)
            ?? throw new InvalidDataException("Empty session metadata.");
    }

    public async ValueTask<TokenSet> UnprotectTokensAsync(byte[] data, CancellationToken cancellationToken)
    {
        await keyRing.WaitForKeyAsync(data, cancellationToken);
        return JsonSerializer.Deserialize(_tokens.Unprotect(data), SessionJsonContext.Default.TokenSet)
            ?? throw new InvalidDataException("Empty session tokens.");
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
        UserAgent = m.UserAgent,
        IpAddress = m.IpAddress,
        LastSeenAt = lastSeen,
        Version = version,
    };

    public static SessionMetadata MetadataOf(BffSession s) =>
        new(s.Subject, s.IdpSessionId, s.Claims, s.CreatedAt, s.AbsoluteExpiresAt, s.UserAgent, s.IpAddress);
}
