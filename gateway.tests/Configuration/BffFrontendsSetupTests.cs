using Bff.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bff.Tests.Configuration;

public class BffFrontendsSetupTests
{
    internal static BffOptions Build(Dictionary<string, string?> settings, Action<BffOptions>? inCode = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new BffOptions();
        configuration.GetSection("Bff").Bind(options);
        inCode?.Invoke(options);
        new BffFrontendsSetup(configuration.GetSection("Bff:Frontends")).PostConfigure(null, options);
        return options;
    }

    [Fact]
    public void NoFrontendsSection_NoFrontends()
    {
        var options = Build(new() { ["Bff:ClientId"] = "bff" });

        Assert.Empty(options.Frontends);
        Assert.True(options.HasDefaultFrontend);
        Assert.Same(options, options.ClientOf(null));
    }

    [Fact]
    public void UnsetValues_AreTheTopLevelOnes_SetValuesOverride()
    {
        var options = Build(new()
        {
            ["Bff:ClientId"] = "bff",
            ["Bff:ClientSecret"] = "top-secret",
            ["Bff:ClientAuthentication"] = "client_secret_post",
            ["Bff:Scopes:0"] = "openid",
            ["Bff:Scopes:1"] = "api",
            ["Bff:ExtraAuthorizeParameters:audience"] = "https://api",
            ["Bff:Cookie:SameSite"] = "Lax",
            ["Bff:Session:IdleTimeout"] = "00:10:00",
            ["Bff:Session:AbsoluteLifetime"] = "08:00:00",
            ["Bff:Frontends:admin:Origin"] = "https://admin.example",
            ["Bff:Frontends:admin:ClientId"] = "bff-admin",
            ["Bff:Frontends:admin:Scopes:0"] = "openid",
            ["Bff:Frontends:admin:Session:AbsoluteLifetime"] = "01:00:00",
        });

        var admin = Assert.Single(options.Frontends);
        Assert.Equal("admin", admin.Name);
        Assert.Equal("https://admin.example", admin.Origin);
        Assert.Equal("bff-admin", admin.ClientId);
        Assert.Equal("top-secret", admin.ClientSecret);
        Assert.Equal("client_secret_post", admin.ClientAuthentication);
        // A list the section sets replaces the top-level one; a map it does not set is inherited.
        Assert.Equal(["openid"], admin.Scopes);
        Assert.Equal("https://api", admin.ExtraAuthorizeParameters["audience"]);
        Assert.Equal("__Host-bff-admin", admin.Cookie.Name);
        Assert.Equal(Microsoft.AspNetCore.Http.SameSiteMode.Lax, admin.Cookie.SameSite);
        Assert.Equal(TimeSpan.FromMinutes(10), admin.Session.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(1), admin.Session.AbsoluteLifetime);
        Assert.Same(admin, options.ClientOf("admin"));
        // The top level keeps its own values.
        Assert.Equal(["openid", "api"], options.Scopes);
        Assert.Equal("__Host-bff", options.Cookie.Name);
        Assert.Equal(TimeSpan.FromHours(8), options.Session.AbsoluteLifetime);
    }

    [Fact]
    public void TopLevelValuesSetInCode_AreInheritedToo()
    {
        var options = Build(new() { ["Bff:Frontends:admin:Origin"] = "https://admin.example" }, o => o.ClientSecret = "from-code");

        Assert.Equal("from-code", Assert.Single(options.Frontends).ClientSecret);
    }

    [Fact]
    public void CookieName_SetInTheSection_IsKept()
    {
        var options = Build(new()
        {
            ["Bff:Frontends:admin:Origin"] = "https://admin.example",
            ["Bff:Frontends:admin:Cookie:Name"] = "__Host-console",
        });

        Assert.Equal("__Host-console", Assert.Single(options.Frontends).Cookie.Name);
    }

    [Fact]
    public void NoTopLevelClientId_WithFrontends_NoDefaultFrontend()
    {
        var options = Build(new() { ["Bff:Frontends:admin:Origin"] = "https://admin.example", ["Bff:Frontends:admin:ClientId"] = "a" });

        Assert.False(options.HasDefaultFrontend);
    }
}
