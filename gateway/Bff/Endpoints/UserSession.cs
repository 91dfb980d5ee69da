namespace Bff.Endpoints;

internal sealed record UserSession(string Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
