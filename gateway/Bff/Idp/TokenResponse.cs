using System.Text.Json;

namespace Bff.Idp;

/// <summary>Reads a token endpoint's JSON answer (RFC 6749 section 5).</summary>
internal static class TokenResponse
{
    public static TokenSet? Parse(byte[] body, TokenSet? current, DateTimeOffset now)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (!root.TryGetProperty("access_token", out var access) || access.GetString() is not { Length: > 0 } accessToken)
            {
                return null;
            }

            var lifetime = root.TryGetProperty("expires_in", out var expiresIn) ? AccessTokenLifetime.Of(expiresIn) : AccessTokenLifetime.Default;
            return new TokenSet(
                accessToken,
                // Without rotation the IdP sends no new refresh token (or null, or an empty one): the old one stays valid.
                root.TryGetProperty("refresh_token", out var refresh) && refresh.ValueKind == JsonValueKind.String && refresh.GetString() is { Length: > 0 } rotated
                    ? rotated
                    : current?.RefreshToken,
                now + lifetime,
                // A refresh renews the session's own token; the APIs' tokens it holds stay valid until their expiry.
                current?.Resources,
                IssuedAt: now);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? ReadError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
