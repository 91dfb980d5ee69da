namespace Bff.Antiforgery;

/// <summary>Endpoint metadata: the endpoint is an XHR-only API and needs the CSRF checks.</summary>
internal sealed class CsrfProtected : ICsrfMetadata
{
    public static readonly CsrfProtected Instance = new();

    private CsrfProtected()
    {
    }

    public bool Protected => true;
}
