namespace Bff.Antiforgery;

/// <summary>
/// Endpoint metadata that switches the CSRF checks on or off. The last one added wins, so an endpoint
/// can opt out of its group's protection (or back in).
/// </summary>
internal interface ICsrfMetadata
{
    bool Protected { get; }
}
