namespace Bff.Tests.Support;

/// <summary>
/// Runs alone, after every parallel test: for in-process hosts that observe process-wide state, such as
/// the HttpClient ActivitySource, which other tests' HTTP calls would otherwise feed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedHostCollection
{
    public const string Name = "In-process host, alone";
}
