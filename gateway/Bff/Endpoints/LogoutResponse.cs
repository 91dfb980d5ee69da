namespace Bff.Endpoints;

/// <summary>The body of <c>POST /bff/logout</c>: where the SPA sends the browser next.</summary>
internal sealed record LogoutResponse(string EndSessionUrl);
