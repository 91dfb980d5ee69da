namespace Bff.Routes;

/// <summary>
/// What a route's token is for (route metadata <c>Bff.AccessToken.Resource</c> and <c>Bff.AccessToken.Scope</c>): an
/// RFC 8707 resource, a set of scopes, or both. Routes naming the same pair share one token per session.
/// </summary>
/// <param name="Resource">The absolute URI of the API, exactly as configured (an audience is compared as a string).</param>
/// <param name="Scope">The scopes, space-separated, in ordinal order without duplicates, so that "b a" and "a b" are one token.</param>
internal sealed record TokenAudience(string? Resource, string? Scope)
{
    /// <summary>The pair as one string, unique per pair (neither part can hold a line feed once read from metadata).</summary>
    public string Key { get; } = (Resource ?? "") + "\n" + (Scope ?? "");

    /// <summary>The scopes one by one.</summary>
    public IReadOnlyList<string> Scopes { get; } = Scope is null ? [] : Scope.Split(' ');

    // The pair is the identity; Key and Scopes are derived from it.
    public bool Equals(TokenAudience? other) => other is not null && Resource == other.Resource && Scope == other.Scope;

    public override int GetHashCode() => HashCode.Combine(Resource, Scope);

    /// <summary>The pair, or null when neither part is given (the session's own token).</summary>
    public static TokenAudience? Of(string? resource, string? scope)
    {
        resource = string.IsNullOrWhiteSpace(resource) ? null : resource.Trim();
        var scopes = scope?.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var normalized = scopes is { Length: > 0 } ? string.Join(' ', scopes) : null;
        return resource is null && normalized is null ? null : new TokenAudience(resource, normalized);
    }
}
