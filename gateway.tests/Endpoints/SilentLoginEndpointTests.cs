using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Endpoints;

/// <summary>
/// <c>/bff/silent-login</c>: a <c>prompt=none</c> login that always ends on a page posting the outcome to the public
/// origin, framed only by that origin, whose one script runs by its hash.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed partial class SilentLoginEndpointTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Start_GoesToTheIdpWithPromptNone_WithoutCsrfHeaders()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/silent-login", [new("Sec-Fetch-Site", "same-origin"), new("Sec-Fetch-Dest", "iframe")]);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith(_idp.AuthorizationEndpoint, response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("none", QueryHelpers.ParseQuery(response.Headers.Location.Query)["prompt"].ToString());
    }

    [Theory]
    [InlineData("login_required")]
    [InlineData("interaction_required")]
    [InlineData("server_error")]
    [InlineData("access_denied")]
    public async Task Refused_PagePostsFalse_NoSession(string error)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await LoginEndpointTests.RefusedAsync(browser, "/bff/silent-login", error);

        var body = await AssertPageAsync(response, "http://localhost");
        Assert.Contains("data-logged-in=\"false\"", body, StringComparison.Ordinal);
        Assert.Null(browser.Cookies.Get("__Host-bff"));
    }

    [Fact]
    public async Task SignedInAtTheIdp_PagePostsTrue_AndTheSessionWorks()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();
        using var start = await browser.GetAsync("/bff/silent-login");
        var authorize = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        _idp.RespondTokens("at-silent", "rt-silent", idToken: _idp.IdToken("alice", "sid-1", authorize["nonce"]!, "at-silent"));

        using var response = await browser.GetAsync("/signin-oidc?code=c&state=" + Uri.EscapeDataString(authorize["state"]!));

        var body = await AssertPageAsync(response, "http://localhost");
        Assert.Contains("data-logged-in=\"true\"", body, StringComparison.Ordinal);
        Assert.NotNull(browser.Cookies.Get("__Host-bff"));
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal("alice", (await OidcGatewayHost.JsonAsync(user)).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task ConfiguredPublicOrigin_IsTheTargetAndTheOnlyAncestor()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?> { ["Bff:PublicOrigin"] = "https://app.example.com" });
        using var browser = host.CreateBrowser();

        using var response = await LoginEndpointTests.RefusedAsync(browser, "/bff/silent-login", "login_required");

        await AssertPageAsync(response, "https://app.example.com");
    }

    // The page: HTML, no caching, framed only by the origin, its script allowed by hash (never unsafe-inline or a
    // wildcard target), and the message aimed at that origin.
    private static async Task<string> AssertPageAsync(HttpResponseMessage response, string origin)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors " + origin, csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("*", csp, StringComparison.Ordinal);
        Assert.Contains("data-origin=\"" + origin + "\"", body, StringComparison.Ordinal);
        var script = ScriptPattern().Match(body).Groups[1].Value;
        Assert.Contains("postMessage", script, StringComparison.Ordinal);
        Assert.DoesNotContain("'*'", script, StringComparison.Ordinal);
        Assert.Contains("'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script))) + "'", csp, StringComparison.Ordinal);
        return body;
    }

    [GeneratedRegex("<script>(.*)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptPattern();
}
