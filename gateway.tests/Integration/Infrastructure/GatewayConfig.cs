namespace Bff.Tests.Integration.Infrastructure;

/// <summary>The configuration most tests start a <see cref="GatewayProcess"/> with; add or override keys on the result.</summary>
public static class GatewayConfig
{
    /// <param name="redis">Null runs the in-memory store (allowed explicitly, as outside Development it must be).</param>
    /// <param name="upstream">When given, route <c>api</c> proxies <c>/api/{**catch-all}</c> to it.</param>
    public static Dictionary<string, string?> Create(DevIdp idp, RedisServer? redis, Uri? upstream = null)
    {
        ArgumentNullException.ThrowIfNull(idp);
        return Create(idp.Issuer, idp.ClientId, idp.ClientSecret, redis, upstream);
    }

    /// <summary>The same against the second IdP (OpenIddict).</summary>
    public static Dictionary<string, string?> Create(OpenIddictIdp idp, RedisServer? redis, Uri? upstream = null)
    {
        ArgumentNullException.ThrowIfNull(idp);
        return Create(idp.Issuer, idp.ClientId, idp.ClientSecret, redis, upstream);
    }

    private static Dictionary<string, string?> Create(string authority, string clientId, string clientSecret, RedisServer? redis, Uri? upstream)
    {
        var config = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Bff:Authority"] = authority,
            ["Bff:ClientId"] = clientId,
            ["Bff:ClientSecret"] = clientSecret,
            ["Bff:RequireHttpsMetadata"] = "false",
        };
        if (redis is null)
        {
            config["Bff:Session:AllowInMemoryStore"] = "true";
        }
        else
        {
            config["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        if (upstream is not null)
        {
            config["ReverseProxy:Routes:api:ClusterId"] = "api";
            config["ReverseProxy:Routes:api:Match:Path"] = "/api/{**catch-all}";
            config["ReverseProxy:Clusters:api:Destinations:d1:Address"] = upstream.ToString();
        }

        return config;
    }
}
