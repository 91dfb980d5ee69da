using Microsoft.AspNetCore.Http;

namespace Bff.Configuration;

/// <summary>The <c>Bff:Cookie</c> section.</summary>
public sealed class BffCookieOptions
{
    /// <summary>The session cookie's name; keep the <c>__Host-</c> prefix, which binds the cookie to this host.</summary>
    public string Name { get; set; } = "__Host-bff";

    /// <summary><c>Strict</c> or <c>Lax</c>; <c>None</c> would hand the session to cross-site requests.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Strict;
}
