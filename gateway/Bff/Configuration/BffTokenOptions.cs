namespace Bff.Configuration;

/// <summary>The <c>Bff:Tokens</c> section.</summary>
public sealed class BffTokenOptions
{
    /// <summary>Refresh when the access token expires within this.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An IdP call not answered within this, its body included, fails as IdP unavailable and counts against the
    /// IdP client's circuit breaker.
    /// </summary>
    public TimeSpan IdpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// IdP calls that keep sessions going (refresh, revocation, client credentials, discovery) in flight at once per
    /// instance; more wait their turn.
    /// </summary>
    public int IdpMaxConcurrentCalls { get; set; } = 64;

    /// <summary>
    /// Login calls (the pushed authorization request, the code exchange) in flight at once per instance, apart from
    /// the others; more are refused at once, so a flood of logins can neither queue up nor take a refresh's turn.
    /// </summary>
    public int IdpMaxConcurrentLoginCalls { get; set; } = 32;

    /// <summary>
    /// How long a session's refresh lock outlives a holder that stopped renewing it (crashed, frozen):
    /// the longest other requests wait before another instance takes the refresh over.
    /// </summary>
    public TimeSpan RefreshLockLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The token-request parameter that names a route's <c>Bff.AccessToken.Resource</c>: <c>resource</c> (RFC 8707) or
    /// <c>audience</c> (Auth0).
    /// </summary>
    public string ResourceParameter { get; set; } = ResourceParameters.Resource;
}
