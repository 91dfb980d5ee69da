using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bff.Testing;

/// <summary>The JSON a <see cref="FakeOidcProvider"/> serves and signs: discovery, the JWKS, token claims, JWTs.</summary>
internal static class FakeOidcDocuments
{
    public static JsonObject Discovery(FakeOidcProvider provider, bool endSessionEndpoint, bool revocationEndpoint)
    {
        var discovery = new JsonObject
        {
            ["issuer"] = provider.Issuer,
            ["authorization_endpoint"] = provider.AuthorizationEndpoint,
            ["token_endpoint"] = provider.TokenEndpoint,
            ["jwks_uri"] = provider.Issuer + "/jwks",
            ["response_types_supported"] = new JsonArray("code"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray(provider.SigningAlgorithm),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
        };
        if (endSessionEndpoint)
        {
            discovery["end_session_endpoint"] = provider.EndSessionEndpoint;
        }

        if (revocationEndpoint)
        {
            discovery["revocation_endpoint"] = provider.RevocationEndpoint;
        }

        return discovery;
    }

    public static JsonObject Jwks(RSA key, string kid, string alg)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = alg,
                ["kid"] = kid,
                ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            }),
        };
    }

    public static JsonObject IdTokenClaims(string issuer, string subject, string sid, string nonce, string accessToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = FakeOidcProvider.ClientId,
            ["sub"] = subject,
            ["sid"] = sid,
            ["name"] = subject,
            ["nonce"] = nonce,
            // The left half of the access token's SHA-256 (OpenID Connect Core 1.0, section 3.1.3.6).
            ["at_hash"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        };
    }

    public static JsonObject LogoutTokenClaims(string issuer, string? subject, string? sid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = FakeOidcProvider.ClientId,
            ["iat"] = now,
            ["exp"] = now + 120,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new JsonObject { [FakeOidcProvider.BackchannelLogoutEvent] = new JsonObject() },
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (sid is not null)
        {
            claims["sid"] = sid;
        }

        return claims;
    }

    public static string Sign(JsonObject claims, RSA key, string alg = "RS256", string typ = "JWT", string kid = FakeOidcProvider.KeyId)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = typ };
        if (alg != "none")
        {
            header["kid"] = kid;
        }

        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))
            + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        if (alg == "none")
        {
            return signingInput + ".";
        }

        var padding = alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, padding);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
