using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>The frontends of <c>Bff:Frontends</c>, each error naming the key.</summary>
internal sealed class BffFrontendsValidator : IValidateOptions<BffOptions>
{
    private const int MaxNameLength = 64;

    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        if (options.Frontends.Count == 0)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        var claimed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.HasDefaultFrontend)
        {
            cookies[options.Cookie.Name] = "Bff:Cookie:Name";
        }

        foreach (var frontend in options.Frontends)
        {
            var section = $"Bff:{BffFrontendOptions.SectionName}:{frontend.Name}";
            if (!IsName(frontend.Name))
            {
                // The name becomes part of a cookie name, a scheme name and a key in Redis.
                errors.Add($"{section}: a frontend's name must be 1 to {MaxNameLength} letters, digits, '-' or '_'.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(frontend.Origin))
            {
                errors.Add($"{section}:Origin is required (the origin the SPA is served from, such as https://admin.example.com).");
            }
            else if (!BffOptionsValidator.IsOrigin(frontend.Origin))
            {
                errors.Add($"{section}:Origin must be an origin such as https://admin.example.com (scheme, host, optional port; no path).");
            }

            if (frontend.PathBase is { Length: > 0 } pathBase && !IsPathBase(pathBase))
            {
                errors.Add($"{section}:PathBase must start with '/' and be path segments of letters, digits, '-', '_', '.' or '~', with no trailing '/' (such as /admin).");
            }

            if (frontend.Origin is { } origin && BffOptionsValidator.IsOrigin(origin))
            {
                var key = NormalizedOrigin(origin) + (frontend.PathBase ?? "");
                if (claimed.TryGetValue(key, out var other))
                {
                    errors.Add($"{section}:Origin and PathBase are those of {other}: two frontends cannot serve the same origin and path base.");
                }
                else
                {
                    claimed[key] = section;
                }
            }

            BffOptionsValidator.ValidateClient(errors, section, frontend);
            if (!string.IsNullOrWhiteSpace(frontend.Cookie.Name) && !cookies.TryAdd(frontend.Cookie.Name, section + ":Cookie:Name"))
            {
                errors.Add($"{section}:Cookie:Name is also {cookies[frontend.Cookie.Name]}: each frontend needs a cookie of its own.");
            }

            // A frontend's IdleTimeout and AbsoluteLifetime are its own: each session carries both from login. The
            // sliding write interval needs no check against them, as each session's is capped by its idle timeout.
            RequireStoreWide(errors, section, "SlidingWriteInterval", frontend.Session.SlidingWriteInterval != options.Session.SlidingWriteInterval);
            RequireStoreWide(errors, section, "CacheDuration", frontend.Session.CacheDuration != options.Session.CacheDuration);
            RequireStoreWide(errors, section, "MaxSessionsPerUser", frontend.Session.MaxSessionsPerUser != options.Session.MaxSessionsPerUser);
            RequireStoreWide(errors, section, "AllowInMemoryStore", frontend.Session.AllowInMemoryStore != options.Session.AllowInMemoryStore);
            RequireStoreWide(errors, section, "CacheMaxEntries", frontend.Session.CacheMaxEntries != options.Session.CacheMaxEntries);
            RequireStoreWide(errors, section, "RevocationReplicas", frontend.Session.RevocationReplicas != options.Session.RevocationReplicas);
        }

        RefuseAntiforgeryCookieNames(errors, options, cookies);

        if (options.HasDefaultFrontend && options.PublicOrigin is { Length: > 0 } publicOrigin && BffOptionsValidator.IsOrigin(publicOrigin)
            && claimed.TryGetValue(NormalizedOrigin(publicOrigin), out var owner))
        {
            errors.Add($"{owner}:Origin is Bff:PublicOrigin: the top-level client would never serve its own origin.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary><c>scheme://host[:port]</c> in lower case, without the scheme's default port: how a request's origin is compared.</summary>
    internal static string NormalizedOrigin(string origin)
    {
        var uri = new Uri(origin);
        return uri.IsDefaultPort
            ? $"{uri.Scheme}://{uri.IdnHost}".ToLowerInvariant()
            : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}".ToLowerInvariant();
    }

    // A session cookie named as an antiforgery cookie (a frontend "af" beside the default one, "af-admin" beside
    // "admin") would be overwritten by it. Compared in any case: the antiforgery reader finds cookies so.
    private static void RefuseAntiforgeryCookieNames(List<string> errors, BffOptions options, Dictionary<string, string> cookies)
    {
        var antiforgery = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (options.HasDefaultFrontend)
        {
            antiforgery[options.AntiforgeryCookieName] = "the default frontend";
        }

        foreach (var frontend in options.Frontends)
        {
            antiforgery.TryAdd(frontend.AntiforgeryCookieName, $"Bff:{BffFrontendOptions.SectionName}:{frontend.Name}");
        }

        foreach (var (name, key) in cookies)
        {
            if (antiforgery.TryGetValue(name, out var owner))
            {
                errors.Add($"{key} is {name}, the antiforgery cookie of {owner}: choose another cookie name (or frontend name).");
            }
        }
    }

    // The store keeps one cache, one per-user bound and one backing for every frontend's sessions.
    private static void RequireStoreWide(List<string> errors, string section, string key, bool differs)
    {
        if (differs)
        {
            errors.Add($"{section}:Session:{key} is store-wide: set Bff:Session:{key} instead.");
        }
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsPathBase(string pathBase) =>
        pathBase.Length > 1 && pathBase[0] == '/' && pathBase[^1] != '/'
        && pathBase.Split('/').Skip(1).All(segment => segment.Length > 0 && segment is not ("." or "..")
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'));
}
