namespace Bff.Tests.Support;

/// <summary>
/// Sends the jar's cookies and takes in every Set-Cookie, like a browser. A request that already
/// has a Cookie header is sent as it is, so a test can send a forged or stale cookie.
/// </summary>
public sealed class CookieJarHandler : DelegatingHandler
{
    public CookieJarHandler(CookieJar jar) => Jar = jar;

    public CookieJarHandler(CookieJar jar, HttpMessageHandler innerHandler)
        : base(innerHandler) => Jar = jar;

    public CookieJar Jar { get; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (!request.Headers.Contains("Cookie") && Jar.GetCookieHeader(uri) is { } cookies)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookies);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Jar.Apply(setCookie, uri);
            }
        }

        return response;
    }
}
