namespace Bff.Endpoints;

internal sealed record RevokeOthersResponse(int Revoked);
