namespace Bff.Idp;

/// <summary>
/// Reads an IdP answer's body inside the resilience pipeline (it is the innermost handler), so an IdP that sends
/// headers and then stalls runs into the same timeout and counts against the same circuit breaker as one that
/// never answers. HttpClient would otherwise read the body after the pipeline, bounded by no IdP timeout at all.
/// </summary>
internal sealed class IdpResponseBuffer : DelegatingHandler
{
    // What the OIDC handler allows its own back-channel: discovery, keys and token answers are far smaller.
    private const long MaxBodyBytes = 10 * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(MaxBodyBytes, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
