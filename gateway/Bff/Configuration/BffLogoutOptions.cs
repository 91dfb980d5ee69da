namespace Bff.Configuration;

/// <summary>The <c>Bff:Logout</c> section.</summary>
public sealed class BffLogoutOptions
{
    /// <summary>
    /// Adds <c>"cookies"</c> to the logout's <c>Clear-Site-Data</c>. Off by default: browsers then clear every
    /// cookie of the registrable domain, those of other apps (and of an IdP) on the same site included.
    /// </summary>
    public bool ClearSiteDataCookies { get; set; }
}
