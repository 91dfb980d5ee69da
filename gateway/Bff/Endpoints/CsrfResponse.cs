namespace Bff.Endpoints;

internal sealed record CsrfResponse(string Token, string HeaderName);
