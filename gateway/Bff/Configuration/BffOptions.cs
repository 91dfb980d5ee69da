using Bff.Http;
namespace Bff.Configuration;

/// <summary>
/// The <c>Bff</c> configuration section: the gateway's OIDC client (<see cref="BffClientOptions"/>) and what
/// every client shares. Every default here is the one in the contract (docs/contract.md).
/// </summary>
public sealed class BffOptions : BffClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bff";

    /// <summary>IdP issuer URL. Required.</summary>
    public string? Authority { get; set; }

    /// <summary>Require https for the IdP's metadata and endpoints (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The origin the SPA is served from; null derives it from the request.</summary>
    public string? PublicOrigin { get; set; }

    /// <summary>Token refresh and IdP calls (<c>Tokens</c>).</summary>
    public BffTokenOptions Tokens { get; set; } = new();

    /// <summary>A session-store call slower than this fails the request with 503.</summary>
    public TimeSpan SessionStoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stopping instance goes on serving, unready (<c>/readyz</c> 503), before it stops listening and
    /// drains the requests in flight: the time a load balancer that polls readiness needs to stop sending to it.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; }

    /// <summary>How the Data Protection key ring is protected at rest (<c>DataProtection</c>).</summary>
    public BffDataProtectionOptions DataProtection { get; set; } = new();

    /// <summary>What logout tells the browser to clear (<c>Logout</c>).</summary>
    public BffLogoutOptions Logout { get; set; } = new();

    /// <summary>Which proxies' forwarded headers are believed (<c>ForwardedHeaders</c>).</summary>
    public BffForwardedHeadersOptions ForwardedHeaders { get; set; } = new();

    /// <summary>Redis key naming (<c>Redis</c>).</summary>
    public BffRedisOptions Redis { get; set; } = new();

    /// <summary>Rate limits per session and per client address (<c>RateLimit</c>); off by default.</summary>
    public BffRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Security signals: their thresholds and webhook (<c>Security</c>).</summary>
    public BffSecurityOptions Security { get; set; } = new();

    /// <summary>Optional telemetry (<c>Telemetry</c>).</summary>
    public BffTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// The named frontends of <c>Bff:Frontends</c>, each with the top-level client settings it does not set itself;
    /// empty when there are none. Built from configuration after binding (<see cref="BffFrontendsSetup"/>).
    /// </summary>
    internal IReadOnlyList<BffFrontendOptions> Frontends { get; set; } = [];

    /// <summary>Whether the top-level client is a frontend: it serves every host that no named frontend claims.</summary>
    internal bool HasDefaultFrontend => Frontends.Count == 0 || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>
    /// The client of the frontend named <paramref name="frontend"/> (null or empty: the top-level one). A name no
    /// longer configured falls back to the top-level client, so a session of a removed frontend still ends cleanly.
    /// </summary>
    internal BffClientOptions ClientOf(string? frontend)
    {
        if (!string.IsNullOrEmpty(frontend))
        {
            foreach (var named in Frontends)
            {
                if (named.Name == frontend)
                {
                    return named;
                }
            }
        }

        return this;
    }

    /// <summary>The policies proxied routes name (<c>Authorization</c>).</summary>
    public BffAuthorizationOptions Authorization { get; set; } = new();
}
