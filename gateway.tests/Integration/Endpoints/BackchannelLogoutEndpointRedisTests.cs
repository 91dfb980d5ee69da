
using Bff.Tests.Endpoints;
using Bff.Tests.Support;
namespace Bff.Tests.Integration.Endpoints;

/// <summary>Back-channel logout with the run's shared Redis: its session indexes and its jti replay cache.</summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class BackchannelLogoutEndpointRedisTests : BackchannelLogoutAcrossStores
{
    protected override bool UsesRedis => true;
}
