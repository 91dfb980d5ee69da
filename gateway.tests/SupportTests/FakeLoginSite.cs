using System.Net;
using System.Text;

namespace Bff.Tests.SupportTests;

/// <summary>A gateway and an oidc-provider-like IdP, reduced to what the browser sees of them.</summary>
internal sealed class FakeLoginSite
{
    public const string Gateway = "http://127.0.0.1:5080";
    public const string Idp = "http://127.0.0.1:9000";

    public bool FormPost { get; init; }

    public bool LoopAfterLogin { get; init; }

    public bool IdpError { get; init; }

    public string? LoginPost { get; private set; }

    public string? CallbackForm { get; private set; }

    public string? CallbackOrigin { get; private set; }

    public string? LogoutPost { get; private set; }

    public string? LastCookieHeader { get; private set; }

    public string? LastCsrfHeader { get; private set; }

    public TestBrowser Browser() => new(new Uri(Gateway + "/"), new CookieJar(), () => new Handler(this));

    private async Task<HttpResponseMessage> RespondAsync(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var cookies = request.Headers.TryGetValues("Cookie", out var c) ? string.Join("; ", c) : string.Empty;
        LastCookieHeader = cookies;
        LastCsrfHeader = request.Headers.TryGetValues("X-CSRF", out var x) ? x.Single() : null;
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync();
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var path = uri.AbsolutePath;

        if (origin == Gateway)
        {
            switch (path)
            {
                case "/bff/login" when uri.Query.Contains("%2F%2F", StringComparison.Ordinal):
                    return Text(HttpStatusCode.BadRequest, "bad_request");
                case "/bff/login":
                    var returnUrl = Uri.UnescapeDataString(uri.Query["?returnUrl=".Length..]);
                    return Redirect(HttpStatusCode.Found, $"{Idp}/auth?client_id=bff&request_uri=urn%3Apar%3A1",
                        ".AspNetCore.Correlation.x=N; path=/signin-oidc; secure; samesite=none; httponly",
                        $"return={Uri.EscapeDataString(returnUrl)}; path=/signin-oidc");
                case "/signin-oidc":
                    if (!cookies.Contains(".AspNetCore.Correlation.x=N", StringComparison.Ordinal))
                    {
                        return Text(HttpStatusCode.InternalServerError, "correlation failed");
                    }

                    if (request.Method == HttpMethod.Post)
                    {
                        CallbackForm = body;
                        CallbackOrigin = request.Headers.TryGetValues("Origin", out var o) ? o.Single() : null;
                    }

                    var target = Uri.UnescapeDataString(cookies.Split("; ").Single(p => p.StartsWith("return=", StringComparison.Ordinal))["return=".Length..]);
                    return Redirect(HttpStatusCode.Found, target,
                        ".AspNetCore.Correlation.x=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/signin-oidc; secure; samesite=none; httponly",
                        "__Host-bff=session-1; path=/; secure; samesite=strict; httponly");
                case "/signout-callback-oidc":
                    return Redirect(HttpStatusCode.Found, "/");
                case "/redirect/303":
                    return Redirect(HttpStatusCode.SeeOther, "/echo");
                case "/redirect/307":
                    return Redirect(HttpStatusCode.TemporaryRedirect, "/echo");
                case "/echo":
                    return Text(HttpStatusCode.OK, $"{request.Method} {body}");
                default:
                    return Text(HttpStatusCode.OK, "home");
            }
        }

        switch (path)
        {
            case "/auth" when IdpError:
                return Html(HttpStatusCode.BadRequest, "<html><body><h1>oops! something went wrong</h1><pre>invalid_request</pre></body></html>");
            case "/auth":
                return Redirect(HttpStatusCode.SeeOther, "/interaction/uid-7",
                    "_interaction=uid-7; path=/interaction/uid-7; httponly; samesite=lax",
                    "_interaction_resume=uid-7; path=/auth/uid-7; httponly; samesite=lax");
            case "/interaction/uid-7" when cookies.Contains("_interaction=uid-7", StringComparison.Ordinal):
                return LoginPage(error: null);
            case "/interaction/uid-7/login" when request.Method == HttpMethod.Post:
                LoginPost = body;
                return body.Contains("password=alice", StringComparison.Ordinal) || body.Contains("password=bob", StringComparison.Ordinal)
                    ? Redirect(HttpStatusCode.SeeOther, $"{Idp}/auth/uid-7")
                    : LoginPage(error: "Invalid email or password.");
            case "/auth/uid-7" when LoopAfterLogin:
                return Redirect(HttpStatusCode.SeeOther, $"{Idp}/auth/uid-7");
            case "/auth/uid-7" when cookies.Contains("_interaction_resume=uid-7", StringComparison.Ordinal) && FormPost:
                return Html(HttpStatusCode.OK, $"""
                    <!DOCTYPE html><html><head><title>Submitting Callback</title></head>
                    <body><form method="post" action="{Gateway}/signin-oidc">
                    <input type="hidden" name="code" value="the-code"/><input type="hidden" name="state" value="the-state"/>
                    </form><script>document.forms[0].submit()</script></body></html>
                    """);
            case "/auth/uid-7" when cookies.Contains("_interaction_resume=uid-7", StringComparison.Ordinal):
                return Redirect(HttpStatusCode.SeeOther, $"{Gateway}/signin-oidc?code=the-code&state=the-state");
            case "/session/end":
                return Html(HttpStatusCode.OK, """
                    <html><body><form id="op.logoutForm" method="post" action="/session/end/confirm">
                    <input type="hidden" name="xsrf" value="x&#x2F;y"/></form>
                    <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
                    </body></html>
                    """);
            case "/session/end/confirm" when request.Method == HttpMethod.Post:
                LogoutPost = body;
                return Redirect(HttpStatusCode.SeeOther, $"{Gateway}/signout-callback-oidc");
            default:
                return Text(HttpStatusCode.NotFound, $"no route {request.Method} {uri} (cookies: {cookies})");
        }
    }

    private static HttpResponseMessage LoginPage(string? error) => Html(HttpStatusCode.OK, $"""
        <!DOCTYPE html><html><head><title>Sign-in</title><style>body {"{"} font: 1em sans-serif {"}"}</style></head><body>
        <h1>Sign-in</h1>{(error is null ? string.Empty : $"<p class=\"error\">{error}</p>")}
        <form autocomplete="off" action='/interaction/uid-7/login' method="post">
          <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
          <input required type="password" name="password" placeholder="and password">
          <input type=hidden name=csrf value="f&amp;rm">
          <button type="submit" class="login login-submit">Sign-in</button>
        </form></body></html>
        """);

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location, params string[] setCookies)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        foreach (var setCookie in setCookies)
        {
            response.Headers.TryAddWithoutValidation("Set-Cookie", setCookie);
        }

        return response;
    }

    private static HttpResponseMessage Text(HttpStatusCode status, string text) =>
        new(status) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };

    private static HttpResponseMessage Html(HttpStatusCode status, string html) =>
        new(status) { Content = new StringContent(html, Encoding.UTF8, "text/html") };

    private sealed class Handler(FakeLoginSite server) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await server.RespondAsync(request);
            response.RequestMessage = request;
            return response;
        }
    }
}
