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

    /// <summary>GET, then follow redirects (only redirects: no form is submitted).</summary>
    public async Task<NavigationResult> NavigateAsync(string pathOrUrl, CancellationToken cancellationToken = default)
    {
        var chain = new List<Uri>();
        var response = await RequestAsync(HttpMethod.Get, Resolve(pathOrUrl), null, chain, cancellationToken);
        return await FollowAllAsync(response, chain, cancellationToken);
    }

    /// <summary>Follows the redirects that start with <paramref name="response"/> (which it then owns), across hosts.</summary>
    public async Task<NavigationResult> FollowRedirectsAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        List<Uri> chain = [RequestUriOf(response)];
        return await FollowAllAsync(response, chain, cancellationToken);
    }

    /// <summary>
    /// The whole authorization code flow, as a user would go through it: /bff/login on the
    /// gateway, the IdP's authorize endpoint and login form, the way back to /signin-oidc (by
    /// redirect or by a self-submitting form_post page) and the gateway's redirect to
    /// <paramref name="returnUrl"/>. A response of the gateway that neither redirects nor is the
    /// callback ends it too (say, 400 for a bad returnUrl), so tests can assert on it. Throws when
    /// the IdP shows its login form again (wrong password), shows any other page, or the chain
    /// passes <see cref="MaxHops"/>. If the IdP still has a session for this browser it shows no
    /// form and the earlier user is signed in again: see <see cref="LoginResult.LoginFormSubmitted"/>.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string user, string password, string returnUrl = "/", CancellationToken cancellationToken = default)
    {
        var chain = new List<Uri>();
        var response = await RequestAsync(HttpMethod.Get, Resolve("/bff/login?returnUrl=" + Uri.EscapeDataString(returnUrl)), null, chain, cancellationToken);
        var credentialsPosted = false;
        (Uri Uri, HttpStatusCode Status, Uri? Location)? callback = null;
        while (true)
        {
            var uri = RequestUriOf(response);
            if (callback is null && IsGateway(uri) && uri.AbsolutePath == "/signin-oidc")
            {
                callback = (uri, response.StatusCode, LocationOf(response));
            }

            if (IsRedirect(response))
            {
                response = await FollowOneAsync(response, chain, cancellationToken);
                continue;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (callback is null && !IsGateway(uri) && IsHtml(response))
            {
                var forms = HtmlForm.Parse(body);
                if (forms.FirstOrDefault(f => f.HasPassword) is { } loginForm)
                {
                    if (credentialsPosted)
                    {
                        response.Dispose();
                        throw new InvalidOperationException(
                            $"The IdP showed its login form again after {user}'s password was posted (wrong password?). Chain: {string.Join(" -> ", chain)}. Page:\n{PageText(body)}");
                    }

                    credentialsPosted = true;
                    var credentials = new Dictionary<string, string>(StringComparer.Ordinal) { ["login"] = user, ["password"] = password };
                    response.Dispose();
                    response = await SubmitAsync(loginForm, uri, credentials, chain, cancellationToken);
                    continue;
                }

                // The response_mode=form_post page, or a consent page that only needs confirming.
                if (forms.FirstOrDefault(f => f.IsAllHidden && f.Method == "POST") is { } autoPost)
                {
                    response.Dispose();
                    response = await SubmitAsync(autoPost, uri, null, chain, cancellationToken);
                    continue;
                }
            }

            if (callback is not null || IsGateway(uri))
            {
                return new LoginResult(response, body, chain, credentialsPosted, callback?.Uri, callback?.Status, callback?.Location);
            }

            response.Dispose();
            throw new InvalidOperationException(
                $"Login stopped at the IdP page {uri} ({(int)response.StatusCode}). Chain: {string.Join(" -> ", chain)}. Page:\n{PageText(body)}");
        }
    }

    /// <summary>
    /// Follows an end_session URL (from the gateway's logout) at the IdP, confirms its logout form
    /// (<c>op.logoutForm</c>, with <c>logout=yes</c>) and follows the redirects after it, to the
    /// gateway's post-logout callback and on.
    /// </summary>
    public async Task<NavigationResult> LogoutAtIdpAsync(string endSessionUrl, CancellationToken cancellationToken = default)
    {
        var chain = new List<Uri>();
        var response = await RequestAsync(HttpMethod.Get, Resolve(endSessionUrl), null, chain, cancellationToken);
        var confirmed = false;
        while (true)
        {
            if (IsRedirect(response))
            {
                response = await FollowOneAsync(response, chain, cancellationToken);
                continue;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!confirmed && IsHtml(response))
            {
                var forms = HtmlForm.Parse(body);
                var confirm = forms.FirstOrDefault(f => f.Id == "op.logoutForm")
                              ?? forms.FirstOrDefault(f => f.Method == "POST" && f.Fields.Any(x => x.Name == "xsrf"));
                if (confirm is not null)
                {
                    confirmed = true;
                    var uri = RequestUriOf(response);
                    response.Dispose();
                    response = await SubmitAsync(confirm, uri, new Dictionary<string, string>(StringComparer.Ordinal) { ["logout"] = "yes" }, chain, cancellationToken);
                    continue;
                }
            }

            return new NavigationResult(response, body, chain);
        }
    }

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

    private async Task<HttpResponseMessage> RequestAsync(HttpMethod method, Uri uri, HttpContent? content, List<Uri> chain, CancellationToken cancellationToken, string? origin = null)
    {
        if (chain.Count >= MaxHops)
        {
            content?.Dispose();
            throw new InvalidOperationException($"More than {MaxHops} requests in one navigation (a redirect loop?): {string.Join(" -> ", chain)} -> {uri}");
        }

        chain.Add(uri);
        var request = new HttpRequestMessage(method, uri) { Content = content };
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    private async Task<NavigationResult> FollowAllAsync(HttpResponseMessage response, List<Uri> chain, CancellationToken cancellationToken)
    {
        while (IsRedirect(response))
        {
            response = await FollowOneAsync(response, chain, cancellationToken);
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return new NavigationResult(response, await response.Content.ReadAsStringAsync(cancellationToken), chain);
    }

    /// <summary>One hop, with a browser's method rules: 307/308 repeat the method and body, the others turn a POST into a GET.</summary>
    private async Task<HttpResponseMessage> FollowOneAsync(HttpResponseMessage response, List<Uri> chain, CancellationToken cancellationToken)
    {
        using (response)
        {
            var target = LocationOf(response)!;
            var request = response.RequestMessage!;
            var keepMethod = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
            if (!keepMethod || request.Content is null)
            {
                var method = keepMethod || request.Method == HttpMethod.Head ? request.Method : HttpMethod.Get;
                return await RequestAsync(method, target, null, chain, cancellationToken);
            }

            var body = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            foreach (var header in request.Content.Headers)
            {
                body.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return await RequestAsync(request.Method, target, body, chain, cancellationToken);
        }
    }

    private Task<HttpResponseMessage> SubmitAsync(HtmlForm form, Uri pageUri, IReadOnlyDictionary<string, string>? overrides, List<Uri> chain, CancellationToken cancellationToken)
    {
        var action = form.ResolveAction(pageUri);
        var values = form.Values(overrides);
        if (form.Method == "POST")
        {
            // Browsers send Origin on every form POST; the gateway's callback must take form_post from the IdP's origin.
            var origin = pageUri.GetLeftPart(UriPartial.Authority);
            return RequestAsync(HttpMethod.Post, action, new FormUrlEncodedContent(values), chain, cancellationToken, origin);
        }

        var query = string.Join('&', values.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        return RequestAsync(HttpMethod.Get, new UriBuilder(action) { Query = query }.Uri, null, chain, cancellationToken);
    }

    [GeneratedRegex(@"<(script|style)\b.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyleRegex();

    [GeneratedRegex("<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
