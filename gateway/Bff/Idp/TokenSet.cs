namespace Bff.Idp;

/// <summary>The user's tokens. Never leaves the server, never logged; encrypted at rest.</summary>
internal sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    string? IdToken,
    DateTimeOffset AccessTokenExpiresAt);
