namespace Bff.Diagnostics;

/// <summary>Which session store start-up chose.</summary>
internal sealed class BffStoreKind
{
    public static readonly BffStoreKind Redis = new("redis");
    public static readonly BffStoreKind InMemory = new("in-memory");

    private BffStoreKind(string name) => Name = name;

    public string Name { get; }
}
