namespace Bff.Configuration;

/// <summary>The values of a client's <c>ClientAuthentication</c> key: the OAuth names of the methods (RFC 8414).</summary>
public static class ClientAuthenticationMethods
{
    /// <summary>Chosen from discovery: <c>private_key_jwt</c> with a key, else <c>client_secret_basic</c>, else <c>client_secret_post</c>.</summary>
    public const string Auto = "auto";

    /// <summary>The secret in an HTTP Basic <c>Authorization</c> header (RFC 6749 section 2.3.1).</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary>The secret as <c>client_secret</c> in the form body.</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>A JWT signed with the client's private key (RFC 7523, OpenID Connect Core section 9).</summary>
    public const string PrivateKeyJwt = "private_key_jwt";

    internal static readonly string[] All = [Auto, ClientSecretBasic, ClientSecretPost, PrivateKeyJwt];
}
