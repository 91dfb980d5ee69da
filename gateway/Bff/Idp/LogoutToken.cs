namespace Bff.Idp;

/// <summary>What a validated back-channel logout token asks for, and until when it must not be accepted again.</summary>
internal sealed record LogoutToken(string Issuer, string? Subject, string? IdpSessionId, string Jti, DateTimeOffset ReplayWindowEnd);
