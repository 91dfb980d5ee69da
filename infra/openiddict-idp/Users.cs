namespace OpenIddictIdp;

/// <summary>
/// The dev IdP's fixed users (infra/idp/lib/accounts.mjs), so a test logs in the same way at either IdP.
/// Passwords are the user names: this IdP only ever runs on a developer's machine or in CI.
/// </summary>
internal static class Users
{
    internal sealed record User(string Subject, string Name, string Email);

    private static readonly Dictionary<string, (string Password, User User)> All = new(StringComparer.Ordinal)
    {
        ["alice"] = ("alice", new User("alice", "Alice Liddell", "alice@example.com")),
        ["bob"] = ("bob", new User("bob", "Bob Builder", "bob@example.com")),
    };

    public static User? Verify(string login, string password) =>
        All.TryGetValue(login, out var entry) && entry.Password == password ? entry.User : null;

    public static User? Find(string subject) => All.TryGetValue(subject, out var entry) ? entry.User : null;
}
