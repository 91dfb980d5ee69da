using Bff.Tests.Support;
namespace Bff.Tests.Sessions;

/// <summary>Session deadlines with the in-memory store.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class InMemorySessionLifetimeTests : SessionLifetimeAcrossStores
{
    protected override bool UsesRedis => false;

    protected override (int IdleMs, int UseEveryMs) ShortIdle => (4_000, 1_500);
}
