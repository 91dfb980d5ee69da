namespace Bff.Lifecycle;

/// <summary>A refresh token still to be revoked at the IdP, and how many attempts have failed so far.</summary>
internal sealed record PendingRevocation(string Id, string SessionId, string RefreshToken, int FailedAttempts);
