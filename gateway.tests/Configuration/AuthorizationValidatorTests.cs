using Bff.Configuration;
using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Configuration;

public sealed class AuthorizationValidatorTests
{
    private static WebApplication AppWith(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBff().AddInMemorySessions();
        return builder.Build();
    }

    private static BffOptions OptionsOf(WebApplication app) => app.Services.GetRequiredService<IOptions<BffOptions>>().Value;

    [Fact]
    public async Task Bind_PolicyFromConfiguration()
    {
        await using var app = AppWith(new()
        {
            ["Bff:Authorization:RoleClaim"] = "roles",
            ["Bff:Authorization:Policies:admins:RequireRoles:0"] = "admin",
            ["Bff:Authorization:Policies:admins:RequireClaims:department:0"] = "sales",
            ["Bff:Authorization:Policies:admins:RequireClaims:department:1"] = "hr",
            ["Bff:Authorization:Policies:signedIn:RequireAuthenticatedUser"] = "true",
        });
        var options = OptionsOf(app);

        Assert.Equal("roles", options.Authorization.RoleClaim);
        var admins = options.Authorization.Policies["Admins"];
        Assert.Equal(["admin"], admins.RequireRoles);
        Assert.Equal(["sales", "hr"], admins.RequireClaims["department"]);
        Assert.False(admins.RequireAuthenticatedUser);
        Assert.True(options.Authorization.Policies["signedIn"].RequireAuthenticatedUser);
    }

    [Theory]
    [InlineData("Bff:Authorization:Policies:empty:RequireAuthenticatedUser", "false", "Bff:Authorization:Policies:empty")]
    [InlineData("Bff:Authorization:Policies:p:RequireClaims:department", "", "Bff:Authorization:Policies:p:RequireClaims:department")]
    [InlineData("Bff:Authorization:Policies:p:RequireClaims:department:0", " ", "Bff:Authorization:Policies:p:RequireClaims:department")]
    [InlineData("Bff:Authorization:Policies:p:RequireRoles:0", "", "Bff:Authorization:Policies:p:RequireRoles")]
    [InlineData("Bff:Authorization:Policies:Default:RequireAuthenticatedUser", "true", "Bff:Authorization:Policies:Default")]
    [InlineData("Bff:Authorization:Policies:anonymous:RequireRoles:0", "admin", "Bff:Authorization:Policies:anonymous")]
    [InlineData("Bff:Authorization:RoleClaim", "", "Bff:Authorization:RoleClaim")]
    public async Task AddBff_BadPolicy_RefusedNamingTheKey(string key, string value, string named)
    {
        await using var app = AppWith(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => OptionsOf(app));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_NoPolicies_RoleClaimRole_Valid()
    {
        var options = new BffOptions();

        Assert.Equal("role", options.Authorization.RoleClaim);
        Assert.True(new AuthorizationValidator().Validate(null, options).Succeeded);
    }
}
