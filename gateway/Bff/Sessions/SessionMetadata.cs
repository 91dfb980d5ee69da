namespace Bff.Sessions;

/// <summary>The part of a session that never changes after login; stored apart from the tokens.</summary>
internal sealed record SessionMetadata(
    string Subject,
    string? IdpSessionId,
    IReadOnlyList<SessionClaim> Claims,
    DateTimeOffset CreatedAt,
    DateTimeOffset AbsoluteExpiresAt,
    string? UserAgent,
    string? IpAddress);
