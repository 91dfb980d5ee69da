using System.Net;
using System.Text;

namespace Bff.Tests.SupportTests;

/// <summary>The browser's flow logic against a scripted gateway and IdP that stand in for the network.</summary>
public sealed class TestBrowserTests
{
    private const string Gateway = FakeLoginSite.Gateway;
    private const string Idp = FakeLoginSite.Idp;

    [Fact]
    public async Task Login_walks_from_the_gateway_through_the_idp_login_form_and_back()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();

        using var result = await browser.LoginAsync("alice", "alice", "/app/page?x=1");

        Assert.Equal(
            [
                $"{Gateway}/bff/login?returnUrl=%2Fapp%2Fpage%3Fx%3D1",
                $"{Idp}/auth?client_id=bff&request_uri=urn%3Apar%3A1",
                $"{Idp}/interaction/uid-7",
                $"{Idp}/interaction/uid-7/login",
                $"{Idp}/auth/uid-7",
                $"{Gateway}/signin-oidc?code=the-code&state=the-state",
                $"{Gateway}/app/page?x=1",
            ],
            result.Chain.Select(u => u.ToString()));
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("home", result.Body);
        Assert.True(result.ReachedCallback);
        Assert.Equal(HttpStatusCode.Found, result.CallbackStatusCode);
        Assert.Equal(new Uri($"{Gateway}/app/page?x=1"), result.CallbackLocation);
        result.EnsureSuccess();

        // The form's own hidden field went along with the credentials; the action was read from the page.
        Assert.Equal("login=alice&password=alice&csrf=f%26rm", network.LoginPost);
        Assert.Equal("session-1", browser.Cookies.Get("__Host-bff"));
        Assert.Null(browser.Cookies.Get(".AspNetCore.Correlation.x"));
        Assert.Contains("__Host-bff=session-1; path=/; secure; samesite=strict; httponly", browser.Cookies.SetCookieHeaders("__Host-bff"));
    }

    [Fact]
    public async Task Login_submits_a_form_post_response_to_the_callback_with_the_idp_origin()
    {
        var network = new FakeLoginSite { FormPost = true };
        using var browser = network.Browser();

        using var result = await browser.LoginAsync("bob", "bob");

        Assert.Equal(new Uri($"{Gateway}/signin-oidc"), result.CallbackUri);
        Assert.Equal("code=the-code&state=the-state", network.CallbackForm);
        Assert.Equal(Idp, network.CallbackOrigin);
        Assert.Equal(new Uri($"{Gateway}/"), result.FinalUri);
        Assert.Equal("session-1", browser.Cookies.Get("__Host-bff"));
    }

    [Fact]
    public async Task Login_with_a_wrong_password_throws_with_the_page()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.LoginAsync("alice", "wrong"));

        Assert.Contains("login form again", e.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid email or password", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_stops_a_redirect_loop()
    {
        var network = new FakeLoginSite { LoopAfterLogin = true };
        using var browser = network.Browser();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.LoginAsync("alice", "alice"));

        Assert.Contains("More than 15 requests", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_returns_what_the_gateway_answers_when_it_does_not_redirect()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();

        using var result = await browser.LoginAsync("alice", "alice", "//evil.example");

        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
        Assert.False(result.ReachedCallback);
        Assert.Single(result.Chain);
        Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess());
    }

    [Fact]
    public async Task Login_throws_on_an_idp_error_page()
    {
        var network = new FakeLoginSite { IdpError = true };
        using var browser = network.Browser();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.LoginAsync("alice", "alice"));

        Assert.Contains("invalid_request", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{Idp}/auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_at_the_idp_confirms_the_form_and_follows_back_to_the_gateway()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();

        using var result = await browser.LogoutAtIdpAsync($"{Idp}/session/end?client_id=bff&post_logout_redirect_uri=x");

        Assert.Equal("xsrf=x%2Fy&logout=yes", network.LogoutPost);
        Assert.Equal(
            [
                $"{Idp}/session/end?client_id=bff&post_logout_redirect_uri=x",
                $"{Idp}/session/end/confirm",
                $"{Gateway}/signout-callback-oidc",
                $"{Gateway}/",
            ],
            result.Chain.Select(u => u.ToString()));
        Assert.Equal("home", result.Body);
    }

    [Fact]
    public async Task Another_base_address_shares_the_jar_and_a_fork_copies_it()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();
        using var login = await browser.LoginAsync("alice", "alice");

        using var sibling = browser.WithBaseAddress(new Uri("http://127.0.0.1:5081/"));
        using var fork = browser.Fork();
        Assert.Same(browser.Cookies, sibling.Cookies);
        Assert.Equal(new Uri("http://127.0.0.1:5081/bff/user"), sibling.Resolve("/bff/user"));
        Assert.Equal("session-1", fork.Cookies.Get("__Host-bff"));

        fork.Cookies.Remove("__Host-bff");
        Assert.Equal("session-1", browser.Cookies.Get("__Host-bff"));

        using var response = await sibling.GetAsync("/bff/user", [new("X-CSRF", "1")]);
        Assert.Equal("__Host-bff=session-1", network.LastCookieHeader);
        Assert.Equal("1", network.LastCsrfHeader);
    }

    [Fact]
    public async Task Redirects_keep_the_method_only_for_307_and_308()
    {
        var network = new FakeLoginSite();
        using var browser = network.Browser();

        using var see = await browser.PostAsync("/redirect/303", new StringContent("body"));
        using var seeResult = await browser.FollowRedirectsAsync(see);
        Assert.Equal("GET ", seeResult.Body);

        using var temporary = await browser.PostAsync("/redirect/307", new StringContent("body"));
        using var temporaryResult = await browser.FollowRedirectsAsync(temporary);
        Assert.Equal("POST body", temporaryResult.Body);
    }
}
