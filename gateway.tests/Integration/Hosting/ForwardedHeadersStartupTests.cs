
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
namespace Bff.Tests.Integration.Hosting;

/// <summary>A <c>Bff:ForwardedHeaders</c> entry that is not an address or a network stops the process, naming the key.</summary>
[Trait("Category", "Integration")]
public sealed class ForwardedHeadersStartupTests
{
    [Theory]
    [InlineData("Bff:ForwardedHeaders:KnownProxies:0", "10.0.0.300")]
    [InlineData("Bff:ForwardedHeaders:KnownProxies:0", "proxy.internal")]
    [InlineData("Bff:ForwardedHeaders:KnownNetworks:0", "10.0.0.0")]
    [InlineData("Bff:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    public async Task Start_BadEntry_ExitsNamingIt(string key, string value)
    {
        var settings = GatewayFactory.BaseSettings();
        settings[key] = value;

        var error = await Assert.ThrowsAsync<GatewayStartException>(() =>
            GatewayProcess.StartAsync(new GatewayStartOptions { Config = settings, Environment = "Development" }));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains(key, error.Output, StringComparison.Ordinal);
    }
}
