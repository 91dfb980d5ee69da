namespace Bff.Authentication;

/// <summary>Endpoint metadata: the endpoint needs a gateway session, else 401 problem+json.</summary>
internal sealed class BffSessionRequired
{
    public static readonly BffSessionRequired Instance = new();

    private BffSessionRequired()
    {
    }
}
