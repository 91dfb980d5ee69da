namespace Bff.Antiforgery;

/// <summary>Which CSRF checks an endpoint gets.</summary>
internal enum CsrfRequirement
{
    /// <summary>None: not an API (static files, health), or exempt by the contract.</summary>
    None,

    /// <summary>
    /// Only the browser-context checks (no cross-site Fetch Metadata, no foreign or null Origin): a proxied
    /// route with <c>Bff.Antiforgery: false</c>. Servers calling it send neither header, so this costs them
    /// nothing, while a browser tricked into calling it cross-site is still refused.
    /// </summary>
    BrowserContext,

    /// <summary>Everything: browser context, <c>X-CSRF: 1</c>, and the session's token on unsafe methods.</summary>
    Full,
}
