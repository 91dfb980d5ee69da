namespace Bff.Sessions;

/// <summary>Which session store start-up chose.</summary>
internal sealed class SessionStoreKind
{
    public static readonly SessionStoreKind Redis = new("redis");
    public static readonly SessionStoreKind InMemory = new("in-memory");

    private SessionStoreKind(string name) => Name = name;

    public string Name { get; }
}
