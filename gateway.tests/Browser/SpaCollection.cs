namespace Bff.Tests.Browser;

/// <summary>
/// The browser test classes share one <see cref="SpaFixture"/> (a Redis, the demo API, a gateway process and Chromium)
/// and run one after another, as the tests of one class would.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SpaCollection : ICollectionFixture<SpaFixture>
{
    public const string Name = "Demo SPA in Chromium";
}
