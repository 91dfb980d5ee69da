using System.Text.Json.Serialization;
namespace Bff.Sessions;

/// <summary>The part of a session that never changes after login; stored apart from the tokens.</summary>
internal sealed record SessionMetadata(
    string Subject,
    string? IdpSessionId,
    IReadOnlyList<SessionClaim> Claims,
    DateTimeOffset CreatedAt,
    DateTimeOffset AbsoluteExpiresAt,
    string? UserAgent,
    string? IpAddress,
    // Absent in sessions stored before frontends existed, which are the default frontend's; and absent for the
    // default frontend still, so its sessions are stored as before and instances without frontends read them.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Frontend = null,
    // Absent in a session stored by an earlier release, which idles out by the top-level idle timeout.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimeSpan? IdleTimeout = null);
