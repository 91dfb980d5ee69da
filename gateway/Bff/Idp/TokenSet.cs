namespace Bff.Idp;

/// <summary>The user's tokens. Never leaves the server, never logged; encrypted at rest.</summary>
// IssuedAt: when the gateway received the access token, so that its lifetime is known; null in tokens stored
// without it.
internal sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    string? IdToken,
    DateTimeOffset AccessTokenExpiresAt,
    DateTimeOffset? IssuedAt = null);
