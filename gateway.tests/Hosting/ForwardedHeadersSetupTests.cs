using Bff.Tests.Support;
namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public sealed class ForwardedHeadersSetupTests
{
    [Fact]
    public void Start_ValidEntries_Starts()
    {
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5";
        settings["Bff:ForwardedHeaders:KnownProxies:1"] = "::1";
        settings["Bff:ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16";
        using var factory = new GatewayFactory(settings);

        using var client = factory.CreateClient();

        Assert.NotNull(client);
    }
}
