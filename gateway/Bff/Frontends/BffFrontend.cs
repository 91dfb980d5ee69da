using Bff.Configuration;
using Microsoft.AspNetCore.Http;

namespace Bff.Frontends;

/// <summary>
/// One SPA the gateway serves: the top-level client (the default frontend, named "") or one of
/// <c>Bff:Frontends</c>. What a request's login, cookie, session and CSRF checks go by.
/// </summary>
internal sealed class BffFrontend
{
    /// <summary>The name of the default frontend, the top-level <c>Bff</c> client.</summary>
    public const string DefaultName = "";

    private BffFrontend(string name, BffClientOptions client, string? origin, PathString pathBase)
    {
        Name = name;
        Client = client;
        Origin = origin;
        PathBase = pathBase;
        OidcScheme = name.Length == 0 ? BffSessionDefaults.OidcScheme : BffSessionDefaults.OidcScheme + "-" + name;
    }

    /// <summary>The name its sessions are stored under; <see cref="DefaultName"/> for the top-level client.</summary>
    public string Name { get; }

    public bool IsDefault => Name.Length == 0;

    /// <summary>Its OIDC client, cookie and session settings.</summary>
    public BffClientOptions Client { get; }

    /// <summary>The configured origin; null when the default frontend takes it from the request (no <c>Bff:PublicOrigin</c>).</summary>
    public string? Origin { get; }

    /// <summary>The path prefix of its endpoints and callbacks; empty when it has none.</summary>
    public PathString PathBase { get; }

    /// <summary>The OIDC scheme that signs its users in.</summary>
    public string OidcScheme { get; }

    /// <summary>The name of its session cookie.</summary>
    public string CookieName => Client.Cookie.Name;

    /// <summary>The name of its antiforgery cookie (the default frontend's is <c>__Host-bff-af</c>).</summary>
    public string AntiforgeryCookieName => Client.AntiforgeryCookieName;

    public static BffFrontend Default(BffOptions options) =>
        new(DefaultName, options, options.PublicOrigin is { Length: > 0 } origin ? origin.TrimEnd('/') : null, PathString.Empty);

    public static BffFrontend Named(BffFrontendOptions options) =>
        new(options.Name, options, options.Origin!.TrimEnd('/'), options.PathBase is { Length: > 0 } pathBase ? new PathString(pathBase) : PathString.Empty);

    /// <summary>Whether a session stored under <paramref name="frontend"/> (null: stored before frontends existed) is this frontend's.</summary>
    public bool Owns(string? frontend) => (frontend ?? DefaultName) == Name;
}
