namespace Bff.Endpoints;

/// <summary>
/// The <c>session</c> member of <c>GET /bff/user</c>: its public handle and deadlines. <c>ExpiresAt</c> is the
/// earlier of the idle deadline (which slides on use) and the absolute one (which never does).
/// </summary>
internal sealed record UserSession(
    string Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset IdleExpiresAt,
    DateTimeOffset AbsoluteExpiresAt);
