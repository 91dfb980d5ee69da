namespace Bff.Antiforgery;

/// <summary>
/// Endpoint metadata: no CSRF check applies. Only for what the contract exempts: top-level navigations
/// (login, <c>GET /bff/logout?sid=</c>) and server-to-server calls (back-channel logout), which can carry
/// neither a custom header nor a same-origin <c>Origin</c>.
/// </summary>
internal sealed class CsrfExempt : ICsrfMetadata
{
    public static readonly CsrfExempt Instance = new();

    private CsrfExempt()
    {
    }

    public bool Protected => false;
}
