using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bff.Testing;

/// <summary>The tokens the issuer signs.</summary>
public sealed partial class TestTokenIssuer
{
    // Set by the issuer itself; a user claim of one of these names is not copied into a token.
    private static readonly HashSet<string> Registered = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "client_id", "nonce", "at_hash", "sid"];

    private string AccessToken(Grant grant, string audience, string scope)
    {
        var now = TokenClock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Provider.Issuer,
            ["sub"] = grant.Subject,
            ["aud"] = audience,
            ["client_id"] = grant.ClientId,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)AccessTokenLifetime.TotalSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (scope.Length > 0)
        {
            claims["scope"] = scope;
        }

        AddUserClaims(claims, grant.Claims);
        // typ at+jwt (RFC 9068), which JwtBearer accepts as it accepts JWT.
        return Provider.Sign(claims, typ: "at+jwt");
    }

    private string IdToken(Grant grant, string accessToken)
    {
        // The ID token is checked by the gateway's OpenID Connect handler against the real clock, so it keeps real time.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Provider.Issuer,
            ["aud"] = grant.ClientId,
            ["sub"] = grant.Subject,
            ["sid"] = "sid-" + grant.Subject,
            ["name"] = grant.Subject,
            ["nonce"] = grant.Nonce,
            // The left half of the access token's SHA-256 (OpenID Connect Core 1.0, section 3.1.3.6).
            ["at_hash"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        };
        AddUserClaims(claims, grant.Claims);
        return Provider.Sign(claims);
    }

    private static void AddUserClaims(JsonObject payload, Claim[] claims)
    {
        foreach (var group in claims.Where(c => !Registered.Contains(c.Type)).GroupBy(c => c.Type))
        {
            var values = group.Select(c => c.Value).ToArray();
            payload[group.Key] = values.Length == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
        }
    }
}

/// <summary>How the test issuer answers refresh grants (<see cref="TestTokenIssuer.RefreshFailure"/>).</summary>
public enum RefreshFailure
{
    /// <summary>Refreshes succeed: a new access token and a rotated refresh token.</summary>
    None,

    /// <summary>400 <c>invalid_grant</c>: the refresh token is dead, as after a revocation at the IdP.</summary>
    InvalidGrant,

    /// <summary>503 with no body: the IdP is down.</summary>
    Outage,
}
