using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;

namespace Bff.Testing;

/// <summary>Browsers on the gateway: anonymous, or signed in through the gateway's own login.</summary>
public sealed partial class BffTestGateway
{
    /// <summary>
    /// A browser signed in as <paramref name="subject"/>, through the same code as a real login: <c>/bff/login</c>,
    /// the test issuer's authorization endpoint, the gateway's callback and its code exchange. The returned client
    /// behaves as the SPA's code in that browser: the session cookie, <c>X-CSRF: 1</c>, same-origin
    /// <c>Sec-Fetch-*</c>, and on unsafe methods <c>Origin</c> and the session's antiforgery token. Headers the
    /// test sets itself are sent as they are.
    /// </summary>
    /// <param name="subject">The user's <c>sub</c> (and <c>name</c>).</param>
    /// <param name="claims">Further claims of the user (roles, groups, ...): in the ID token, so in the gateway's
    /// session user, and in every access token the upstreams receive.</param>
    /// <param name="frontend">The <c>Bff:Frontends</c> entry the browser is on: its <c>Origin</c> (and <c>PathBase</c>)
    /// are used; null is the top-level (default) frontend at <see cref="Origin"/>.</param>
    /// <param name="cancellationToken">Cancels the login.</param>
    /// <exception cref="InvalidOperationException">A step of the login did not answer as it should; the message says which.</exception>
    public async Task<HttpClient> SignInAsync(string subject, IEnumerable<Claim>? claims = null, string? frontend = null, CancellationToken cancellationToken = default)
    {
        var (browser, origin, pathBase) = Browser(frontend);
        var login = Issuer.BeginLogin(subject, claims);

        using var start = await NavigateAsync(browser, new Uri(origin, pathBase + "/bff/login?returnUrl=" + Uri.EscapeDataString(pathBase + "/")), "same-origin", cancellationToken);
        var authorize = start.Headers.Location;
        if (start.StatusCode != HttpStatusCode.Found || authorize is null || !authorize.IsAbsoluteUri || !authorize.AbsoluteUri.StartsWith(Provider.AuthorizationEndpoint, StringComparison.Ordinal))
        {
            throw await LoginFailedAsync("/bff/login did not send the browser to the test issuer", start);
        }

        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var issued = await idp.GetAsync(QueryHelpers.AddQueryString(authorize.AbsoluteUri, TestTokenIssuer.LoginParameter, login), cancellationToken);
        if (issued.StatusCode != HttpStatusCode.Found || issued.Headers.Location is not { IsAbsoluteUri: true } callback)
        {
            throw await LoginFailedAsync("the test issuer refused the authorization request", issued);
        }

        using var done = await NavigateAsync(browser, callback, "cross-site", cancellationToken);
        if (done.StatusCode != HttpStatusCode.Found || done.Headers.Location?.OriginalString.Contains("error", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw await LoginFailedAsync("the gateway's callback did not sign the user in", done);
        }

        return browser;
    }

    /// <summary>A browser with no session (an anonymous visitor), with the same headers as a signed-in one.</summary>
    /// <param name="frontend">The <c>Bff:Frontends</c> entry the browser is on, as for <see cref="SignInAsync"/>.</param>
    public HttpClient CreateBrowser(string? frontend = null) => Browser(frontend).Client;

    private (HttpClient Client, Uri Origin, string PathBase) Browser(string? frontend)
    {
        var origin = Origin;
        var pathBase = "";
        if (frontend is not null)
        {
            var section = Services.GetService(typeof(IConfiguration)) is IConfiguration configuration ? configuration.GetSection("Bff:Frontends:" + frontend) : null;
            if (section?["Origin"] is not { Length: > 0 } configured)
            {
                throw new ArgumentException($"Bff:Frontends:{frontend}:Origin is not in the gateway's configuration.", nameof(frontend));
            }

            origin = new Uri(configured);
            pathBase = section["PathBase"]?.TrimEnd('/') ?? "";
        }

        var handler = new BrowserHandler(new KitCookieJar(Time), origin, _app.GetTestServer().CreateHandler());
        return (new HttpClient(handler) { BaseAddress = new Uri(origin, pathBase + "/") }, origin, pathBase);
    }

    private static async Task<HttpResponseMessage> NavigateAsync(HttpClient browser, Uri target, string site, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Options.Set(BrowserHandler.Navigation, true);
        request.Headers.Add("Sec-Fetch-Site", site);
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        request.Headers.Add("Sec-Fetch-Dest", "document");
        return await browser.SendAsync(request, cancellationToken);
    }

    private static async Task<InvalidOperationException> LoginFailedAsync(string what, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return new InvalidOperationException($"Sign-in failed: {what} ({(int)response.StatusCode}, Location: {response.Headers.Location}): {body}");
    }
}
