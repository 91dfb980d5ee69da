namespace Bff.Configuration;

/// <summary>The values of <c>Bff:Tokens:ResourceParameter</c>.</summary>
public static class ResourceParameters
{
    /// <summary>RFC 8707's <c>resource</c>.</summary>
    public const string Resource = "resource";

    /// <summary>Auth0's <c>audience</c>.</summary>
    public const string Audience = "audience";
}
