namespace Bff.Tests.Support;

/// <summary>
/// In-process hosts are built one at a time: WebApplicationFactory finds the app's host through a
/// process-wide diagnostic listener, and two hosts starting at once can pick up each other's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessHostCollection
{
    public const string Name = "In-process host";
}
