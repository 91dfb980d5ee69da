using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Bff.Tests.Support;

/// <summary>
/// A scripted browser: an HttpClient that follows no redirect by itself and keeps cookies in a
/// <see cref="CookieJar"/> shared by every host on 127.0.0.1, so it can walk the login and logout
/// flows between the gateway and the IdP one hop at a time.
/// </summary>
public sealed partial class TestBrowser : IDisposable
{
    private readonly HttpClient _client;
    private readonly Func<HttpMessageHandler> _innerHandlerFactory;

    public TestBrowser(Uri baseAddress, CookieJar? cookies = null)
        : this(baseAddress, cookies ?? new CookieJar(), CreateSocketsHandler)
    {
    }

    /// <summary>For self-tests: <paramref name="innerHandlerFactory"/> stands in for the network.</summary>
    internal TestBrowser(Uri baseAddress, CookieJar cookies, Func<HttpMessageHandler> innerHandlerFactory)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        BaseAddress = baseAddress;
        Cookies = cookies;
        _innerHandlerFactory = innerHandlerFactory;
        _client = new HttpClient(new CookieJarHandler(cookies, innerHandlerFactory()))
        {
            // Long enough for tests that wait out a Retry-After or a slow IdP on purpose.
            Timeout = TimeSpan.FromSeconds(60),
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Bff.Tests/1.0");
    }

    /// <summary>Relative URLs resolve against it.</summary>
    public Uri BaseAddress { get; }

    public CookieJar Cookies { get; }

    /// <summary>Headers sent with every request of this browser (not of its <see cref="WithBaseAddress"/> siblings).</summary>
    public HttpRequestHeaders DefaultRequestHeaders => _client.DefaultRequestHeaders;

    /// <summary>Requests a navigation may make before it is taken for a loop.</summary>
    public int MaxHops { get; set; } = 15;

    /// <summary>The same browser (the same jar, not a copy) pointed at another gateway instance.</summary>
    public TestBrowser WithBaseAddress(Uri baseAddress) => new(baseAddress, Cookies, _innerHandlerFactory);

    /// <summary>Another browser that starts with a copy of this one's cookies, as if they had been stolen or synced.</summary>
    public TestBrowser Fork(Uri? baseAddress = null) => new(baseAddress ?? BaseAddress, Cookies.Clone(), _innerHandlerFactory);

    public Uri Resolve(string pathOrUrl) => new(BaseAddress, pathOrUrl);

    /// <summary>Sends as is (a relative request URI is resolved); follows nothing.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is null || !request.RequestUri.IsAbsoluteUri)
        {
            request.RequestUri = new Uri(BaseAddress, request.RequestUri?.OriginalString ?? string.Empty);
        }

        return _client.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string pathOrUrl,
        HttpContent? content = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, Resolve(pathOrUrl)) { Content = content };
        foreach (var (name, value) in headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                (request.Content ?? throw new InvalidOperationException($"Header {name} needs content.")).Headers.TryAddWithoutValidation(name, value);
            }
        }

        return SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string pathOrUrl, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, pathOrUrl, null, headers, cancellationToken);

    public Task<HttpResponseMessage> PostAsync(string pathOrUrl, HttpContent? content, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, pathOrUrl, content, headers, cancellationToken);

    public Task<HttpResponseMessage> PutAsync(string pathOrUrl, HttpContent? content, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, pathOrUrl, content, headers, cancellationToken);

    public Task<HttpResponseMessage> DeleteAsync(string pathOrUrl, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, pathOrUrl, null, headers, cancellationToken);

    public Task<HttpResponseMessage> PostFormAsync(
        string pathOrUrl,
        IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, pathOrUrl, new FormUrlEncodedContent(fields), headers, cancellationToken);

    public void Dispose() => _client.Dispose();

    /// <summary>A page's text without markup, shortened, for exception messages.</summary>
    internal static string PageText(string html)
    {
        var text = ScriptOrStyleRegex().Replace(html, " ");
        text = TagRegex().Replace(text, " ");
        text = WhitespaceRegex().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length > 1500 ? text[..1500] + " …" : text;
    }

    private static SocketsHttpHandler CreateSocketsHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        // Instances are killed and restarted on the same port; do not hold connections for long.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
    };

    private bool IsGateway(Uri uri) =>
        Uri.Compare(uri, BaseAddress, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
        && response.Headers.Location is not null;

    private static bool IsHtml(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is "text/html" or "application/xhtml+xml";

    private static Uri RequestUriOf(HttpResponseMessage response) =>
        response.RequestMessage?.RequestUri ?? throw new InvalidOperationException("The response has no request URI.");

    private static Uri? LocationOf(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(RequestUriOf(response), location) : null;

    [GeneratedRegex(@"<(script|style)\b.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyleRegex();

    [GeneratedRegex("<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
