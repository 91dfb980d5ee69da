namespace Bff.Configuration;

/// <summary>
/// One SPA behind the gateway (<c>Bff:Frontends:{name}</c>): where it is served from and its own OIDC client,
/// cookie and session settings. Every client setting it leaves unset is the top-level <c>Bff</c> one; its cookie
/// is <c>__Host-bff-{name}</c> unless it names one.
/// </summary>
public sealed class BffFrontendOptions : BffClientOptions
{
    /// <summary>The configuration section under <c>Bff</c> that holds the frontends.</summary>
    public const string SectionName = "Frontends";

    /// <summary>The prefix of a frontend's default cookie name.</summary>
    internal const string CookiePrefix = "__Host-bff-";

    /// <summary>The frontend's name: the key of its section, and what its sessions are stored under.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>The origin this SPA is served from (scheme, host, optional port). Required.</summary>
    public string? Origin { get; set; }

    /// <summary>A path prefix (<c>/admin</c>) when two frontends share an origin; its endpoints and callbacks live under it.</summary>
    public string? PathBase { get; set; }

    /// <summary>
    /// <c>__Host-bff-af-{name}</c>. Frontends that share an origin through a <c>PathBase</c> share every cookie of
    /// <c>Path=/</c> (all <c>__Host-</c> cookies are): with one antiforgery cookie, one frontend's logout would
    /// expire the cookie the other's tokens pair with.
    /// </summary>
    internal override string AntiforgeryCookieName => DefaultAntiforgeryCookieName + "-" + Name;
}
