namespace Bff.Endpoints;

internal sealed record UserClaim(string Type, string Value);
