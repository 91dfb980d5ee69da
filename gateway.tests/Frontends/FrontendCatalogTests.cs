using Bff.Configuration;
using Bff.Frontends;
using Bff.Tests.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Frontends;

public class FrontendCatalogTests
{
    private static FrontendCatalog Catalog(bool topLevelClient = true) => new(Options.Create(BffFrontendsSetupTests.Build(new()
    {
        ["Bff:ClientId"] = topLevelClient ? "bff" : null,
        ["Bff:Frontends:admin:Origin"] = "https://admin.example",
        ["Bff:Frontends:reports:Origin"] = "https://admin.example",
        ["Bff:Frontends:reports:PathBase"] = "/reports",
        ["Bff:Frontends:local:Origin"] = "http://127.0.0.2:5080",
    })));

    private static HttpRequest Request(string scheme, string host, string path = "/bff/user")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.Path = path;
        return context.Request;
    }

    [Theory]
    [InlineData("https", "admin.example", "/bff/user", "admin")]
    [InlineData("https", "ADMIN.example:443", "/bff/user", "admin")]
    [InlineData("https", "admin.example", "/reports/bff/user", "reports")]
    [InlineData("https", "admin.example", "/REPORTS", "reports")]
    [InlineData("https", "admin.example", "/reportsx/bff/user", "admin")]
    [InlineData("http", "127.0.0.2:5080", "/bff/user", "local")]
    public void Resolve_ByOriginThenLongestPathBase(string scheme, string host, string path, string expected) =>
        Assert.Equal(expected, Catalog().Resolve(Request(scheme, host, path))!.Name);

    [Theory]
    [InlineData("http", "admin.example")]
    [InlineData("https", "admin.example:8443")]
    [InlineData("http", "127.0.0.1:5080")]
    [InlineData("https", "app.example")]
    public void Resolve_UnclaimedOrigin_IsTheDefaultFrontend(string scheme, string host)
    {
        var frontend = Catalog().Resolve(Request(scheme, host));

        Assert.NotNull(frontend);
        Assert.True(frontend.IsDefault);
        Assert.Equal("oidc", frontend.OidcScheme);
        Assert.Equal("__Host-bff", frontend.CookieName);
    }

    [Fact]
    public void Resolve_UnclaimedOrigin_NoTopLevelClient_IsNone() =>
        Assert.Null(Catalog(topLevelClient: false).Resolve(Request("https", "app.example")));

    [Fact]
    public void NamedFrontend_HasItsSchemeAndCookie()
    {
        var admin = Catalog().Find("admin")!;

        Assert.Equal("oidc-admin", admin.OidcScheme);
        Assert.Equal("__Host-bff-admin", admin.CookieName);
        Assert.True(admin.Owns("admin"));
        Assert.False(admin.Owns(null));
    }

    [Fact]
    public void DefaultFrontend_OwnsSessionsStoredWithoutAFrontend() =>
        Assert.True(Catalog().Default!.Owns(null));

    [Fact]
    public void NoNamedFrontends_EveryRequestIsTheDefaultOne()
    {
        var catalog = new FrontendCatalog(Options.Create(new BffOptions { ClientId = "bff" }));

        Assert.False(catalog.HasNamed);
        Assert.Same(catalog.Default, catalog.Resolve(Request("https", "anything.example")));
    }
}
