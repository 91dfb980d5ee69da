using Microsoft.AspNetCore.Http;

namespace Bff.Sessions;

/// <summary>The <c>Bff:Cookie</c> section.</summary>
public sealed class BffCookieOptions
{
    public string Name { get; set; } = "__Host-bff";

    /// <summary><c>Strict</c> or <c>Lax</c>; <c>None</c> would hand the session to cross-site requests.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Strict;
}
