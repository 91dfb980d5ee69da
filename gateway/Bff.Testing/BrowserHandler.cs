using System.Text.Json;

namespace Bff.Testing;

/// <summary>
/// Makes an <see cref="HttpClient"/> behave as the SPA's code in a browser on the gateway's origin: the jar's
/// cookies, <c>X-CSRF: 1</c>, same-origin Fetch Metadata, <c>Origin</c> and the session's antiforgery token
/// (from <c>/bff/csrf</c>) on unsafe methods. A header the test sets itself is left as it is, so a test can send
/// a request as an attacker's page would.
/// </summary>
internal sealed class BrowserHandler(KitCookieJar jar, Uri origin, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Marks a top-level navigation (login, the IdP's redirect back): no fetch headers are added.</summary>
    public static readonly HttpRequestOptionsKey<bool> Navigation = new("Bff.Testing.Navigation");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(Navigation, out var navigation) || !navigation)
        {
            AddIfAbsent(request, "X-CSRF", "1");
            AddIfAbsent(request, "Sec-Fetch-Site", "same-origin");
            AddIfAbsent(request, "Sec-Fetch-Mode", "cors");
            AddIfAbsent(request, "Sec-Fetch-Dest", "empty");
            if (IsUnsafe(request.Method))
            {
                AddIfAbsent(request, "Origin", origin.GetLeftPart(UriPartial.Authority));
                if (!request.Headers.Contains("X-XSRF-TOKEN") && await AntiforgeryTokenAsync(cancellationToken) is { } token)
                {
                    request.Headers.TryAddWithoutValidation(token.Header, token.Value);
                }
            }
        }

        return await SendWithCookiesAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithCookiesAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains("Cookie") && jar.Header() is { } cookies)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookies);
        }

        var response = await base.SendAsync(request, cancellationToken);
        jar.Store(response);
        return response;
    }

    // The token is bound to the session, so it is asked for on every unsafe call: a refreshed or replaced session
    // never leaves the client with a stale one.
    private async Task<(string Header, string Value)?> AntiforgeryTokenAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(origin, "/bff/csrf"));
        request.Headers.Add("X-CSRF", "1");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.Add("Sec-Fetch-Mode", "cors");
        request.Headers.Add("Sec-Fetch-Dest", "empty");
        using var response = await SendWithCookiesAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (body.RootElement.GetProperty("headerName").GetString()!, body.RootElement.GetProperty("token").GetString()!);
    }

    private static void AddIfAbsent(HttpRequestMessage request, string name, string value)
    {
        if (!request.Headers.Contains(name))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static bool IsUnsafe(HttpMethod method) =>
        method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options && method != HttpMethod.Trace;
}
