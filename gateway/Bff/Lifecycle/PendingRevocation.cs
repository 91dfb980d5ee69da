namespace Bff.Lifecycle;

/// <summary>A refresh token still to be revoked at the IdP, and how many attempts have failed so far.</summary>
// Frontend: the frontend whose client the token was issued to (null: the top-level client, as for every entry
// queued before frontends existed).
internal sealed record PendingRevocation(string Id, string SessionId, string RefreshToken, int FailedAttempts, string? Frontend = null);
