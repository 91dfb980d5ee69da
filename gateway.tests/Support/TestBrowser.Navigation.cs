using System.Net;

namespace Bff.Tests.Support;

/// <summary>Navigations: a request and the redirects after it, across hosts, hop by hop as a browser makes them.</summary>
public sealed partial class TestBrowser
{
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
}
