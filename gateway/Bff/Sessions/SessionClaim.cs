namespace Bff.Sessions;

internal sealed record SessionClaim(string Type, string Value);
