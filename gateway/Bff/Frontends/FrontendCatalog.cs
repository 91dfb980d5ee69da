using Bff.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Frontends;

/// <summary>
/// Every frontend of the gateway, and the one place a request is matched to one: by its origin (scheme and
/// <c>Host</c>, which only a trusted proxy's <c>X-Forwarded-Host</c> can change), then by the longest
/// <c>PathBase</c> of that origin. The default frontend (the top-level client) serves every request no named
/// frontend claims; without a top-level <c>ClientId</c> there is none, and such a request matches nothing.
/// </summary>
internal sealed class FrontendCatalog
{
    private readonly Dictionary<string, BffFrontend[]> _byOrigin;
    private readonly Dictionary<string, BffFrontend> _byName;

    public FrontendCatalog(IOptions<BffOptions> options)
    {
        var bff = options.Value;
        Default = bff.HasDefaultFrontend ? BffFrontend.Default(bff) : null;
        All = [.. (Default is null ? Array.Empty<BffFrontend>() : [Default]), .. bff.Frontends.Select(BffFrontend.Named)];
        _byName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _byOrigin = All.Where(f => !f.IsDefault)
            .GroupBy(f => BffFrontendsValidator.NormalizedOrigin(f.Origin!), StringComparer.Ordinal)
            // Longest path base first, so /admin/reports is tried before /admin.
            .ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.PathBase.Value?.Length ?? 0).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The top-level client's frontend; null when it has no <c>ClientId</c> beside named frontends.</summary>
    public BffFrontend? Default { get; }

    /// <summary>Every frontend, the default one first when there is one.</summary>
    public IReadOnlyList<BffFrontend> All { get; }

    /// <summary>Whether any named frontend is configured: without one every request is the default frontend's.</summary>
    public bool HasNamed => _byOrigin.Count > 0;

    /// <summary>The frontend of that name (<see cref="BffFrontend.DefaultName"/> for the default one), or null.</summary>
    public BffFrontend? Find(string? name) => _byName.GetValueOrDefault(name ?? BffFrontend.DefaultName);

    /// <summary>The frontend of the request in <paramref name="context"/>, resolved once and kept in its features.</summary>
    public BffFrontend? Of(HttpContext context)
    {
        if (_byOrigin.Count == 0)
        {
            return Default;
        }

        if (context.Features.Get<BffFrontend>() is { } found)
        {
            return found;
        }

        var frontend = Resolve(context.Request);
        if (frontend is not null)
        {
            context.Features.Set(frontend);
        }

        return frontend;
    }

    /// <summary>The request's frontend, or null when none serves it.</summary>
    public BffFrontend? Resolve(HttpRequest request)
    {
        if (_byOrigin.Count == 0)
        {
            return Default;
        }

        if (_byOrigin.TryGetValue(OriginOf(request), out var candidates))
        {
            foreach (var candidate in candidates)
            {
                if (!candidate.PathBase.HasValue || request.Path.StartsWithSegments(candidate.PathBase, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }
        }

        return Default;
    }

    private static string OriginOf(HttpRequest request)
    {
        var scheme = request.Scheme;
        var host = request.Host;
        var port = host.Port;
        var isDefaultPort = port is null
            || (port == 80 && string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase))
            || (port == 443 && string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase));
        var origin = isDefaultPort ? scheme + "://" + host.Host : scheme + "://" + host.Host + ":" + port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return origin.ToLowerInvariant();
    }
}
