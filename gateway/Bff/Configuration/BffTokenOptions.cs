namespace Bff.Configuration;

/// <summary>The <c>Bff:Tokens</c> section.</summary>
public sealed class BffTokenOptions
{
    /// <summary>Refresh when the access token expires within this.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A token, revocation or discovery call slower than this counts as IdP unavailable.</summary>
    public TimeSpan IdpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a session's refresh lock outlives a holder that stopped renewing it (crashed, frozen):
    /// the longest other requests wait before another instance takes the refresh over.
    /// </summary>
    public TimeSpan RefreshLockLifetime { get; set; } = TimeSpan.FromSeconds(5);
}
