namespace Bff.Idp;

/// <summary>
/// An access token for one API (RFC 8707 resource) and/or narrower scopes, got with the session's refresh token.
/// Kept in the session's <see cref="TokenSet"/>, so it is encrypted, versioned and dropped with the session.
/// </summary>
internal sealed record ResourceToken(string? Resource, string? Scope, string AccessToken, DateTimeOffset ExpiresAt);
