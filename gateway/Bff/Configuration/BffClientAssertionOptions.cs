namespace Bff.Configuration;

/// <summary>
/// The key the gateway signs its client assertions with (<c>private_key_jwt</c>, RFC 7523): a certificate or a PEM
/// private key. The section is <c>ClientAssertion</c> of a client.
/// </summary>
public sealed class BffClientAssertionOptions
{
    /// <summary>A certificate with its private key: PKCS#12 (.pfx/.p12) or PEM (certificate and key in one file).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>A PEM private key, RSA or EC (PKCS#1, SEC1 or PKCS#8, encrypted PKCS#8 with <see cref="KeyPassword"/>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of an encrypted <see cref="KeyPath"/>.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>The <c>kid</c> header; empty means the key's RFC 7638 JWK thumbprint.</summary>
    public string? KeyId { get; set; }

    /// <summary>
    /// The <c>aud</c> of an assertion: <c>token_endpoint</c> (the token endpoint URL, as OpenID Connect Core says),
    /// <c>issuer</c> (for IdPs that want their issuer identifier, such as Auth0) or <c>endpoint</c> (the URL of the
    /// endpoint called, token, PAR or revocation, as Okta wants).
    /// </summary>
    public string Audience { get; set; } = TokenEndpointAudience;

    /// <summary>
    /// The <c>typ</c> header: <c>JWT</c>, or <c>client-authentication+jwt</c> for IdPs that follow the update of
    /// RFC 7523 (OpenIddict refuses any other, and wants <see cref="Audience"/> <c>issuer</c> with it).
    /// </summary>
    public string TokenType { get; set; } = "JWT";

    internal const string TokenEndpointAudience = "token_endpoint";

    internal const string IssuerAudience = "issuer";

    internal const string EndpointAudience = "endpoint";

    internal bool HasKey => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath);
}
