
using Bff.Tests.Endpoints;
using Bff.Tests.Support;
namespace Bff.Tests.Integration.Endpoints;

/// <summary>The sessions API with the run's shared Redis: its per-user index, and an ended session gone everywhere.</summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class SessionsEndpointsRedisTests : SessionsEndpointsAcrossStores
{
    protected override bool UsesRedis => true;
}
