namespace DemoApi;

// Per-user data, so a demo or test can tell whose token reached the API.
internal static class Notes
{
    private static readonly Dictionary<string, string[]> BySubject = new(StringComparer.Ordinal)
    {
        ["alice"] =
        [
            "Follow the White Rabbit",
            "Tea party at six with the Hatter and the March Hare",
            "Do not eat anything labelled EAT ME before measuring the door",
        ],
        ["bob"] =
        [
            "Pour the foundations for the school on Monday",
            "Order 400 bricks and a new cement mixer",
            "Can we fix it? Yes we can",
        ],
    };

    public static IReadOnlyList<string> For(string subject) =>
        BySubject.TryGetValue(subject, out var notes) ? notes : [];
}
