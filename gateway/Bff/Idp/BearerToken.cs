namespace Bff.Idp;

/// <summary>
/// An access token held as the value of the <c>Authorization</c> header that presents it (RFC 6750, section 2.1): the
/// only copy of the token in memory. Every proxied request sends it as it is; the bare token is cut out of it only on
/// the rare paths that need it alone (storage, revocation), so a session does not hold a kilobyte twice.
/// </summary>
internal readonly record struct BearerToken
{
    private const string Scheme = "Bearer ";

    public BearerToken(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        HeaderValue = Scheme + accessToken;
    }

    /// <summary>The value of an <c>Authorization</c> header: <c>Bearer</c>, a space and the token.</summary>
    public string HeaderValue { get; }

    /// <summary>The token alone: a new string on every call, so not for a request's path.</summary>
    public string AccessToken => HeaderValue[Scheme.Length..];

    // A record would print the header value, and with it the token, wherever the value is formatted.
    public override string ToString() => "Bearer (token not shown)";
}
