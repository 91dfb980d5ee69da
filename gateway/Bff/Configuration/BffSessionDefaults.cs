namespace Bff.Configuration;

/// <summary>The names of the gateway's authentication schemes, for hosts that authenticate or challenge with them.</summary>
public static class BffSessionDefaults
{
    /// <summary>The authentication scheme that reads and writes server-side sessions.</summary>
    public const string Scheme = "BffSession";

    /// <summary>The OpenID Connect scheme that signs users in.</summary>
    public const string OidcScheme = "oidc";
}
