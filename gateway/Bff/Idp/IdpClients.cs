using Bff.Configuration;
using Microsoft.Extensions.Options;

namespace Bff.Idp;

/// <summary>
/// How each frontend's client authenticates at the IdP: the top-level client's <see cref="ClientAuthenticator"/>
/// and one per named frontend. A session's refresh and revocation go as the client that logged it in, since the
/// IdP binds a refresh token to its client.
/// </summary>
internal sealed class IdpClients
{
    private readonly ClientAuthenticator _default;
    private readonly Dictionary<string, ClientAuthenticator> _named;

    public IdpClients(IOptions<BffOptions> options, ClientAuthenticator @default, TimeProvider time)
    {
        _default = @default;
        _named = options.Value.Frontends.ToDictionary(
            f => f.Name,
            f => new ClientAuthenticator(f, $"{BffOptions.SectionName}:{BffFrontendOptions.SectionName}:{f.Name}", time),
            StringComparer.Ordinal);
    }

    /// <summary>The client of the frontend named <paramref name="frontend"/> (null or empty: the top-level one).</summary>
    public ClientAuthenticator For(string? frontend) =>
        frontend is { Length: > 0 } && _named.TryGetValue(frontend, out var named) ? named : _default;
}
