namespace Bff.Sessions;

/// <summary>The user's tokens. Never leaves the server, never logged; encrypted at rest.</summary>
internal sealed record SessionTokens(
    string AccessToken,
    string? RefreshToken,
    string? IdToken,
    DateTimeOffset AccessTokenExpiresAt);
