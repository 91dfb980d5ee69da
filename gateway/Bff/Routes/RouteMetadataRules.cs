using Bff.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bff.Routes;

/// <summary>
/// The names a route may refer to, configured elsewhere: the authorization policies and the frontends. Read once,
/// at start-up, as both are (a reload of the routes is judged against the same names).
/// </summary>
/// <param name="IsPolicy">Whether a policy of that name exists (the names are the host's authorization options').</param>
/// <param name="Frontends">The names under <c>Bff:Frontends</c>; null only in tests that judge no frontend names.</param>
internal sealed record RouteMetadataRules(Func<string, bool> IsPolicy, IReadOnlySet<string>? Frontends)
{
    /// <summary>
    /// The one place the frontends' names are read for the routes. From the configuration section itself, so
    /// that a route can name only a frontend that is configured, whatever the frontends' own validation says;
    /// empty without the section, so that a route limited to a frontend that does not exist never starts (it would
    /// otherwise serve every host).
    /// </summary>
    public static IReadOnlySet<string> FrontendNames(IConfiguration configuration) =>
        configuration.GetSection($"{BffOptions.SectionName}:Frontends").GetChildren()
            .Select(child => child.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
