namespace Bff.Tests.Browser;

/// <summary>What the demo API holds of the dev IdP's users (infra/demo-api/Notes.cs), as the browser tests look for it.</summary>
internal static class DemoUsers
{
    /// <summary>What of alice's could leak: her name, e-mail and words of her notes.</summary>
    public static readonly string[] AliceMarkers = ["Alice", "alice@example.com", "White Rabbit", "Tea party", "EAT ME"];

    public static readonly string[] AliceNotes = ["Follow the White Rabbit", "Tea party at six with the Hatter and the March Hare", "Do not eat anything labelled EAT ME before measuring the door"];

    public static readonly string[] BobNotes = ["Pour the foundations for the school on Monday", "Order 400 bricks and a new cement mixer", "Can we fix it? Yes we can"];
}
