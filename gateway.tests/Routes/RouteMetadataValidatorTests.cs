using Bff.Routes;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Tests.Routes;

public class RouteMetadataValidatorTests
{
    private static readonly RouteMetadataRules Rules = new(name => name == "admins", null);

    private static RouteConfig Route(params (string Key, string Value)[] metadata) => new()
    {
        RouteId = "r1",
        ClusterId = "c1",
        Match = new RouteMatch { Path = "/api/{**rest}" },
        Metadata = metadata.Length == 0 ? null : metadata.ToDictionary(m => m.Key, m => m.Value),
    };

    [Theory]
    [InlineData(BffRouteMetadata.AccessToken, "Usr")]
    [InlineData(BffRouteMetadata.AccessToken, "1")]
    [InlineData(BffRouteMetadata.AccessToken, "User,UserOptional")]
    [InlineData(BffRouteMetadata.AccessToken, "")]
    [InlineData(BffRouteMetadata.Antiforgery, "no")]
    [InlineData(BffRouteMetadata.AccessTokenResource, "api.example.com")]
    [InlineData(BffRouteMetadata.AccessTokenResource, "/api")]
    [InlineData(BffRouteMetadata.AccessTokenResource, "https://api.example.com/#x")]
    [InlineData(BffRouteMetadata.AccessTokenResource, "")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "   ")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "read\"write")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "read\twrite")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "lecture:é")]
    [InlineData(BffRouteMetadata.Frontends, "")]
    [InlineData(BffRouteMetadata.Frontends, "admin,")]
    [InlineData(BffRouteMetadata.Frontends, "ad min")]
    [InlineData("Bff.AccessTokens", "User")]
    [InlineData("bff.antiforgery.enabled", "true")]
    public void Validate_BadValue_ReportsRouteAndKey(string key, string value)
    {
        var errors = RouteMetadataValidator.Validate(Route((key, value)), Rules).ToList();

        var error = Assert.Single(errors);
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:" + key + " ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BffRouteMetadata.AccessTokenResource, "https://api.example.com")]
    [InlineData(BffRouteMetadata.AccessTokenScope, "orders.read")]
    public void Validate_TokenOnANoneRoute_ReportsTheKey(string key, string value)
    {
        var errors = RouteMetadataValidator.Validate(Route((BffRouteMetadata.AccessToken, "none"), (key, value)), Rules).ToList();

        var error = Assert.Single(errors);
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:" + key + " ", error, StringComparison.Ordinal);
        Assert.Contains("None", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodValues_NoErrors()
    {
        var route = Route(
            (BffRouteMetadata.AccessToken, " client "),
            (BffRouteMetadata.Antiforgery, "false"),
            (BffRouteMetadata.AccessTokenResource, "https://orders.example.com/api"),
            (BffRouteMetadata.AccessTokenScope, " orders.read  orders:write api://x/.default "),
            (BffRouteMetadata.Frontends, "admin, shop_2"),
            ("Owner", "team-a"));

        Assert.Empty(RouteMetadataValidator.Validate(route, Rules));
        Assert.Empty(RouteMetadataValidator.Validate(Route((BffRouteMetadata.AccessTokenResource, "urn:example:orders")), Rules));
    }

    [Theory]
    [InlineData("admins")]
    [InlineData("default")]
    [InlineData("Anonymous")]
    public void Validate_KnownOrYarpPolicy_NoErrors(string policy)
    {
        Assert.Empty(RouteMetadataValidator.Validate(Route() with { AuthorizationPolicy = policy }, Rules));
    }

    [Fact]
    public void Validate_UnknownPolicy_ReportsTheKey()
    {
        var error = Assert.Single(RouteMetadataValidator.Validate(Route() with { AuthorizationPolicy = "admin" }, Rules));

        Assert.StartsWith("ReverseProxy:Routes:r1:AuthorizationPolicy ", error, StringComparison.Ordinal);
        Assert.Contains("'admin'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FrontendNotConfigured_ReportsTheName()
    {
        var rules = Rules with { Frontends = new HashSet<string>(["admin"], StringComparer.OrdinalIgnoreCase) };

        Assert.Empty(RouteMetadataValidator.Validate(Route((BffRouteMetadata.Frontends, "Admin")), rules));
        var error = Assert.Single(RouteMetadataValidator.Validate(Route((BffRouteMetadata.Frontends, "admin,shop")), rules));
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:Bff.Frontends ", error, StringComparison.Ordinal);
        Assert.Contains("'shop'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Frontends_NoneConfigured_AnyNameRefused()
    {
        // Without Bff:Frontends a route limited to a frontend would be served to every host: it must not start.
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var rules = Rules with { Frontends = RouteMetadataRules.FrontendNames(configuration) };

        var error = Assert.Single(RouteMetadataValidator.Validate(Route((BffRouteMetadata.Frontends, "admin")), rules));
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:Bff.Frontends names 'admin'", error, StringComparison.Ordinal);
    }
}
