namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public class StartupValidationTests
{
    [Theory]
    [InlineData("Bff:Authority")]
    [InlineData("Bff:ClientId")]
    [InlineData("Bff:ClientSecret")]
    public void Start_MissingRequiredKey_FailsNamingIt(string key)
    {
        var settings = GatewayFactory.BaseSettings();
        settings.Remove(key);
        using var factory = new GatewayFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bff:Session:IdleTimeout", "-00:01:00")]
    [InlineData("Bff:Tokens:IdpTimeout", "00:00:00")]
    [InlineData("ReverseProxy:Routes:api:Metadata:Bff.AccessToken", "Usr")]
    public void Start_BadValue_FailsNamingIt(string key, string value)
    {
        var settings = GatewayFactory.BaseSettings();
        settings[key] = value;
        using var factory = new GatewayFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ProductionWithoutRedis_FailsNamingTheKey()
    {
        using var factory = new GatewayFactory(GatewayFactory.BaseSettings(), environment: "Production");

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ConnectionStrings:Redis", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ProductionWithExplicitInMemoryOptIn_Starts()
    {
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Session:AllowInMemoryStore"] = "true";
        using var factory = new GatewayFactory(settings, environment: "Production");

        using var client = factory.CreateClient();

        Assert.NotNull(client);
    }
}
