using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OpenIddictIdp;

/// <summary>The one confidential client, the gateway, registered in the in-memory store at start.</summary>
internal static class ClientRegistration
{
    public static async Task RegisterAsync(IServiceProvider services, IdpSettings settings, JsonWebKeySet? keys, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var client = new OpenIddictApplicationDescriptor
        {
            ClientId = settings.ClientId,
            // A secret and, when configured, a key: OpenIddict then takes client_secret_basic,
            // client_secret_post and private_key_jwt from this client, whichever it sends.
            ClientSecret = settings.ClientSecret,
            JsonWebKeySet = keys,
            ClientType = ClientTypes.Confidential,
            ApplicationType = ApplicationTypes.Web,
            DisplayName = "Bff gateway (dev)",
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in settings.RedirectUris.Append(new Uri("http://127.0.0.1:5080/signin-oidc")))
        {
            client.RedirectUris.Add(uri);
            // A demo on a real host name needs its sign-out callback too: derived from the sign-in one.
            if (uri.AbsolutePath.EndsWith(LoopbackApplicationManager.SignInPath, StringComparison.Ordinal))
            {
                client.PostLogoutRedirectUris.Add(new Uri(uri.OriginalString[..^LoopbackApplicationManager.SignInPath.Length] + LoopbackApplicationManager.SignOutPath));
            }
        }

        client.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization, Permissions.Endpoints.PushedAuthorization, Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection, Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.GrantTypes.ClientCredentials,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + "api",
        ]);
        await manager.CreateAsync(client, cancellationToken);
    }

    /// <summary>
    /// The client's public key for private_key_jwt (RFC 7523): a PEM public key (RSA or EC; of a private key
    /// only the public part is kept), a PEM certificate, or JWKS JSON. A PEM key gets its RFC 7638 thumbprint as
    /// <c>kid</c>. Null without a path.
    /// </summary>
    public static JsonWebKeySet? LoadClientKeys(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(path);
            if (text.TrimStart().StartsWith('{'))
            {
                var keys = new JsonWebKeySet(text);
                return keys.Keys.Count > 0 ? keys : throw new SettingException("OIDDICT_CLIENT_PUBLIC_KEY_PATH", $"holds a JWKS without keys: \"{path}\"");
            }

            var jwk = text.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal) ? FromCertificate(text) : FromPublicKey(text);
            jwk.Use = "sig";
            jwk.Kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
            return new JsonWebKeySet { Keys = { jwk } };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SettingException("OIDDICT_CLIENT_PUBLIC_KEY_PATH", $"is no PEM RSA or EC key, PEM certificate or JWKS: \"{path}\" ({e.GetType().Name})");
        }
    }

    private static JsonWebKey FromCertificate(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        using var rsa = certificate.GetRSAPublicKey();
        using var ec = certificate.GetECDsaPublicKey();
        return rsa is not null ? Rsa(rsa) : ec is not null ? Ec(ec) : throw new ArgumentException("neither RSA nor EC");
    }

    private static JsonWebKey FromPublicKey(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return Rsa(rsa);
        }
        catch (ArgumentException)
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return Ec(ec);
        }
    }

    private static JsonWebKey Rsa(RSA rsa)
    {
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey { Kty = JsonWebAlgorithmsKeyTypes.RSA, N = Base64UrlEncoder.Encode(p.Modulus), E = Base64UrlEncoder.Encode(p.Exponent) };
    }

    private static JsonWebKey Ec(ECDsa ec)
    {
        var p = ec.ExportParameters(includePrivateParameters: false);
        var curve = p.Curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => JsonWebKeyECTypes.P256,
            "nistP384" or "ECDSA_P384" => JsonWebKeyECTypes.P384,
            "nistP521" or "ECDSA_P521" => JsonWebKeyECTypes.P521,
            var other => throw new ArgumentException($"curve {other} is not P-256, P-384 or P-521"),
        };
        return new JsonWebKey { Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve, Crv = curve, X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y) };
    }
}
