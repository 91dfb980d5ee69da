using Microsoft.Extensions.Configuration;

namespace Shop.ContractTests;

/// <summary>The shop's gateway configuration, the same file the gateway is deployed with.</summary>
internal static class GatewayConfiguration
{
    public static IConfiguration Load() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "gateway.json")).Build();
}
