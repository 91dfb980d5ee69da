using System.Text.Json.Serialization;

namespace Bff.Idp;

/// <summary>
/// The user's tokens. Never leaves the server, never logged; encrypted at rest. The ID token is not among them: it is
/// validated at login and its claims kept, but nothing sends it anywhere later (logout sends no <c>id_token_hint</c>),
/// so a session holds no copy of it, in Redis or in memory.
/// </summary>
/// <param name="AccessToken">The session's own access token.</param>
/// <param name="RefreshToken">The session's one refresh token, for every token it holds; null when the IdP issued none.</param>
/// <param name="AccessTokenExpiresAt">When <paramref name="AccessToken"/> expires.</param>
/// <param name="Resources">
/// Tokens for the APIs that routes name (<see cref="ResourceToken"/>), obtained with the same refresh token; null in
/// sessions stored before there were any, which read the same.
/// </param>
/// <param name="IssuedAt">When the gateway received <paramref name="AccessToken"/>, so that its lifetime is known; null in tokens stored without it.</param>
internal sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    DateTimeOffset AccessTokenExpiresAt,
    IReadOnlyList<ResourceToken>? Resources = null,
    DateTimeOffset? IssuedAt = null)
{
    /// <summary>The access token as the proxy sends it: the only copy of it these tokens hold.</summary>
    [JsonIgnore]
    public BearerToken Bearer { get; private init; } = new(AccessToken);

    /// <summary>The session's own access token: cut out of <see cref="Bearer"/> on every read.</summary>
    public string AccessToken
    {
        get => Bearer.AccessToken;
        init => Bearer = new(value);
    }

    // A record prints every property: its tokens would reach any log that formats a session.
    public override string ToString() =>
        $"TokenSet {{ AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, RefreshToken = {(RefreshToken is null ? "none" : "held")}, Resources = {Resources?.Count ?? 0} }}";

    /// <summary>The token for a resource and scope (as <see cref="ResourceToken"/> names them), or null.</summary>
    public ResourceToken? Find(string? resource, string? scope)
    {
        if (Resources is not { } resources)
        {
            return null;
        }

        foreach (var token in resources)
        {
            if (token.Resource == resource && token.Scope == scope)
            {
                return token;
            }
        }

        return null;
    }

    /// <summary>These tokens with <paramref name="token"/> in place of the one for its resource and scope.</summary>
    public TokenSet WithResource(ResourceToken token)
    {
        var resources = new List<ResourceToken>((Resources?.Count ?? 0) + 1);
        foreach (var other in Resources ?? [])
        {
            if (other.Resource != token.Resource || other.Scope != token.Scope)
            {
                resources.Add(other);
            }
        }

        resources.Add(token);
        return this with { Resources = resources };
    }
}
