
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
namespace Bff.Tests.Integration.Hosting;

/// <summary>
/// What an operator sees when the configuration is wrong: the real process exits with code 2 and names
/// the key, with no stack trace.
/// </summary>
[Trait("Category", "Integration")]
public class StartupValidationTests
{
    private static async Task<GatewayStartException> StartExpectingFailureAsync(Dictionary<string, string?> settings, string environment = "Development")
    {
        var error = await Assert.ThrowsAsync<GatewayStartException>(() =>
            GatewayProcess.StartAsync(new GatewayStartOptions { Config = settings, Environment = environment, StartTimeout = TimeSpan.FromSeconds(30) }));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("Invalid configuration:", error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Output, StringComparison.Ordinal);
        return error;
    }

    [Theory]
    [InlineData("Bff:Authority")]
    [InlineData("Bff:ClientId")]
    [InlineData("Bff:ClientSecret")]
    public async Task Start_MissingRequiredKey_ExitsNamingIt(string key)
    {
        var settings = GatewayFactory.BaseSettings();
        settings.Remove(key);

        var error = await StartExpectingFailureAsync(settings);

        Assert.Contains(key, error.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bff:Session:IdleTimeout", "-00:01:00")]
    [InlineData("Bff:Tokens:IdpTimeout", "00:00:00")]
    [InlineData("Bff:Cookie:SameSite", "None")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.AccessToken", "Usr")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.Antiforgery", "maybe")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.AccessToken", "User,UserOptional")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.AccessToken.Resource", "orders-api")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.AccessTokens", "User")]
    [InlineData("ReverseProxy:Routes:api:AuthorizationPolicy", "admins")]
    [InlineData("Bff:Authorization:Policies:admins:RequireAuthenticatedUser", "yes")]
    public async Task Start_BadValue_ExitsNamingIt(string key, string value)
    {
        var settings = GatewayFactory.BaseSettings();
        settings[key] = value;

        var error = await StartExpectingFailureAsync(settings);

        Assert.Contains(key, error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithoutRedis_ExitsNamingTheKey()
    {
        var error = await StartExpectingFailureAsync(GatewayFactory.BaseSettings(), environment: "Production");

        Assert.Contains("ConnectionStrings:Redis", error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithExplicitInMemoryOptIn_Starts()
    {
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Session:AllowInMemoryStore"] = "true";

        await using var gateway = await GatewayProcess.StartAsync(settings, "Production");

        Assert.False(gateway.HasExited);
        Assert.True(gateway.Output.Contains("sessions are kept in memory"));
    }
}
