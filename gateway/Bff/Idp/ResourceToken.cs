using System.Text.Json.Serialization;

namespace Bff.Idp;

/// <summary>
/// An access token for one API (RFC 8707 resource) and/or narrower scopes, got with the session's refresh token.
/// Kept in the session's <see cref="TokenSet"/>, so it is encrypted, versioned and dropped with the session.
/// </summary>
internal sealed record ResourceToken(string? Resource, string? Scope, string AccessToken, DateTimeOffset ExpiresAt)
{
    /// <summary>The access token as the proxy sends it: the only copy of it this token holds.</summary>
    [JsonIgnore]
    public BearerToken Bearer { get; private init; } = new(AccessToken);

    /// <summary>The access token: cut out of <see cref="Bearer"/> on every read.</summary>
    public string AccessToken
    {
        get => Bearer.AccessToken;
        init => Bearer = new(value);
    }

    // A record prints every property, the token among them.
    public override string ToString() => $"ResourceToken {{ Resource = {Resource}, Scope = {Scope}, ExpiresAt = {ExpiresAt:O} }}";
}
