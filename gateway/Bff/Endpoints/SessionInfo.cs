namespace Bff.Endpoints;

/// <summary>One entry of <c>GET /bff/sessions</c>.</summary>
internal sealed record SessionInfo(
    string Id,
    bool Current,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    string? UserAgent,
    string? IpAddress,
    DeviceInfo Device);
