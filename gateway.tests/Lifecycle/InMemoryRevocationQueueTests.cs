
using Bff.Lifecycle;
namespace Bff.Tests.Lifecycle;

/// <summary>The revocation queue's contract for the in-memory queue of a single instance.</summary>
public sealed class InMemoryRevocationQueueTests : RevocationQueueContract
{
    private protected override IRevocationQueue CreateQueue() => new InMemoryRevocationQueue();
}
