using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Endpoints;

/// <summary>
/// <c>/bff/login?prompt=</c>: only the allow-listed values reach the IdP; with <c>prompt=none</c> an IdP that would
/// need the user sends the browser back to <c>returnUrl</c> with <c>#bff-login-error=</c>, and no session is made.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LoginEndpointTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Theory]
    [InlineData("prompt=bogus")]
    [InlineData("prompt=")]
    [InlineData("prompt=none%20login")]
    [InlineData("prompt=NONE")]
    [InlineData("prompt=none&prompt=login")]
    public async Task Prompt_OutsideTheAllowList_400(string query)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/login?returnUrl=/x&" + query);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("login")]
    [InlineData("consent")]
    [InlineData("select_account")]
    public async Task Prompt_Allowed_IsSentToTheIdp(string prompt)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/login?returnUrl=/x&prompt=" + prompt);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(prompt, QueryHelpers.ParseQuery(response.Headers.Location!.Query)["prompt"].ToString());
    }

    [Fact]
    public async Task NoPrompt_NoneIsSent()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/login?returnUrl=/x");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.False(QueryHelpers.ParseQuery(response.Headers.Location!.Query).ContainsKey("prompt"));
    }

    [Theory]
    [InlineData("login_required")]
    [InlineData("interaction_required")]
    [InlineData("consent_required")]
    [InlineData("account_selection_required")]
    public async Task PromptNone_IdpNeedsTheUser_BackToReturnUrlWithTheErrorFragment_NoSession(string error)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await RefusedAsync(browser, "/bff/login?prompt=none&returnUrl=" + Uri.EscapeDataString("/orders?page=2#top"), error);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/orders?page=2#bff-login-error=" + error, response.Headers.Location!.OriginalString);
        Assert.Null(browser.Cookies.Get("__Host-bff"));
        Assert.Empty(_idp.TokenRequests);
    }

    [Fact]
    public async Task PromptNone_AnotherError_IsTheUsualProblem()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await RefusedAsync(browser, "/bff/login?prompt=none&returnUrl=/x", "server_error");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task WithoutPromptNone_LoginRequired_IsTheUsualProblem()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await RefusedAsync(browser, "/bff/login?prompt=login&returnUrl=/x", "login_required");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    /// <summary>Starts a login and brings the IdP's <paramref name="error"/> back to the callback with the login's state.</summary>
    internal static async Task<HttpResponseMessage> RefusedAsync(TestBrowser browser, string start, string error)
    {
        using var login = await browser.GetAsync(start);
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        var state = QueryHelpers.ParseQuery(login.Headers.Location!.Query)["state"].ToString();
        return await browser.GetAsync("/signin-oidc?error=" + error + "&state=" + Uri.EscapeDataString(state));
    }
}
