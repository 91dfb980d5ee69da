namespace Bff.Endpoints;

internal sealed record UserResponse(string Sub, string? Name, IReadOnlyList<UserClaim> Claims, UserSession Session, string LogoutUrl);
