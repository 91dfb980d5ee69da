using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.SupportTests;

public sealed class CookieJarTests
{
    private static readonly Uri Gateway = new("http://127.0.0.1:5080/signin-oidc");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, bool, string?> Received => new()
    {
        // As ASP.NET Core writes them.
        { "__Host-bff=CfDJ8Abc-_x; path=/; secure; samesite=strict; httponly", true, "CfDJ8Abc-_x" },
        { "__Host-bff=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; secure; samesite=strict; httponly", true, null },
        { ".AspNetCore.Correlation.xyz=N; expires=Mon, 23 Nov 2026 12:15:00 GMT; path=/signin-oidc; secure; samesite=none; httponly", true, "N" },
        // As koa (oidc-provider) writes them.
        { "_interaction=uid123; path=/interaction/uid123; expires=Mon, 23 Nov 2026 13:00:00 GMT; samesite=lax; httponly", true, "uid123" },
        { "_session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly", true, null },
        // Deletions.
        { "old=x; Max-Age=0; Path=/", true, null },
        { "old=x; Max-Age=-1", true, null },
        { "old=x; Expires=Sun, 22 Nov 2026 12:00:00 GMT", true, null },
        // Max-Age wins over Expires.
        { "old=y; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", true, "y" },
        { "old=z; Max-Age=0; Expires=Wed, 01 Jan 2099 00:00:00 GMT", true, null },
        // Secure is kept over http on 127.0.0.1, as Chromium does.
        { "__Secure-a=1; Secure", true, "1" },
        // What a browser refuses.
        { "__Host-bff=v; path=/; httponly", false, "before" },
        { "__Host-bff=v; path=/; secure; domain=127.0.0.1", false, "before" },
        { "__Host-bff=v; path=/bff; secure", false, "before" },
        { "__Host-bff=v; secure", false, "before" },
        { "__Secure-a=1", false, null },
        { "a=1; Domain=example.com", false, null },
        { "no-equals-sign", false, null },
        { "=nameless", false, null },
    };

    [Theory]
    [MemberData(nameof(Received))]
    public void Applies_set_cookie_like_a_browser(string header, bool accepted, string? valueAfter)
    {
        var jar = new CookieJar(new FakeTimeProvider(Now));
        jar.Set("__Host-bff", "before");
        jar.Set("old", "before");
        jar.Set("_session", "before");

        Assert.Equal(accepted, jar.Apply(header, Gateway));

        // Unparseable headers have no name to look up.
        var name = header.Split('=')[0];
        if (header.Contains('=', StringComparison.Ordinal) && name.Length > 0)
        {
            Assert.Equal(valueAfter, jar.Get(name));
            Assert.Equal(header, jar.SetCookieHeaders(name)[^1]);
        }

        Assert.Equal(!accepted, jar.RejectedSetCookieHeaders.Contains(header));
    }

    public static TheoryData<string, bool, bool, string?, string?, string?> Flags => new()
    {
        { "__Host-bff=v; path=/; secure; samesite=strict; httponly", true, true, "strict", "/", null },
        { "__Host-bff-af=v; Path=/; Secure; SameSite=Lax", true, false, "Lax", "/", null },
        { "a=v; Domain=127.0.0.1; Path=/x", false, false, null, "/x", "127.0.0.1" },
        { "a=v; HttpOnly; HttpOnly; SameSite=None; SameSite=Strict", false, true, "Strict", null, null },
    };

    [Theory]
    [MemberData(nameof(Flags))]
    public void Exposes_the_attributes_of_what_was_received(string header, bool secure, bool httpOnly, string? sameSite, string? path, string? domain)
    {
        var jar = new CookieJar();
        jar.Apply(header, Gateway);

        var cookie = jar.LastSetCookie(header.Split('=')[0])!;
        Assert.Equal(header, cookie.Raw);
        Assert.Equal(secure, cookie.Secure);
        Assert.Equal(httpOnly, cookie.HttpOnly);
        Assert.Equal(sameSite, cookie.SameSite);
        Assert.Equal(path, cookie.Path);
        Assert.Equal(domain, cookie.Domain);
        Assert.Equal(domain is not null, cookie.Has("domain"));
    }

    [Fact]
    public void Expires_by_max_age_as_time_passes()
    {
        var time = new FakeTimeProvider(Now);
        var jar = new CookieJar(time);
        jar.Apply("a=1; Max-Age=60", Gateway);
        jar.Apply("b=2; Expires=Mon, 23 Nov 2026 12:02:00 GMT", Gateway);
        jar.Apply("c=3", Gateway);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(["a", "b", "c"], jar.Names);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["b", "c"], jar.Names);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["c"], jar.Names);
    }

    public static TheoryData<string, string, bool> PathMatching => new()
    {
        { "/signin-oidc", "/signin-oidc", true },
        { "/signin-oidc", "/signin-oidc/more", true },
        { "/signin-oidc", "/signin-oidcx", false },
        { "/signin-oidc", "/", false },
        { "/interaction/", "/interaction/abc", true },
        { "/", "/anything", true },
    };

    [Theory]
    [MemberData(nameof(PathMatching))]
    public void Sends_a_cookie_only_under_its_path(string cookiePath, string requestPath, bool sent)
    {
        var jar = new CookieJar();
        jar.Apply($"a=1; Path={cookiePath}", Gateway);
        var header = jar.GetCookieHeader(new Uri(new Uri("http://127.0.0.1:7000"), requestPath));
        Assert.Equal(sent ? "a=1" : null, header);
    }

    [Fact]
    public void Without_a_path_the_cookie_belongs_to_the_request_directory()
    {
        var jar = new CookieJar();
        jar.Apply("a=1", new Uri("http://127.0.0.1:9000/interaction/abc/login"));
        Assert.NotNull(jar.GetCookieHeader(new Uri("http://127.0.0.1:9000/interaction/abc")));
        Assert.Null(jar.GetCookieHeader(new Uri("http://127.0.0.1:9000/interaction/other")));
    }

    [Fact]
    public void Ports_do_not_isolate_cookies_and_longer_paths_go_first()
    {
        var jar = new CookieJar();
        jar.Apply("idp=1; path=/", new Uri("http://127.0.0.1:9000/auth"));
        jar.Apply("gw=2; path=/signin-oidc", new Uri("http://127.0.0.1:5080/bff/login"));

        Assert.Equal("gw=2; idp=1", jar.GetCookieHeader(new Uri("http://127.0.0.1:5081/signin-oidc")));
    }

    [Fact]
    public void Refuses_secure_cookies_from_plain_http_off_loopback()
    {
        var jar = new CookieJar();
        Assert.False(jar.Apply("a=1; Secure", new Uri("http://example.com/")));
        Assert.True(jar.Apply("a=1; Secure", new Uri("https://example.com/")));
    }

    [Fact]
    public void Set_remove_and_clone_are_independent()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Apply("b=2; path=/", Gateway);

        var copy = jar.Clone();
        copy.Set("a", "changed");
        Assert.True(copy.Remove("b"));

        Assert.Equal("1", jar.Get("a"));
        Assert.Equal("2", jar.Get("b"));
        Assert.Equal("changed", copy.Get("a"));
        Assert.Null(copy.Get("b"));
        Assert.Equal(["b=2; path=/"], copy.SetCookieHeaders("b"));
        Assert.False(jar.Remove("missing"));
    }

    [Fact]
    public async Task The_handler_sends_the_jar_and_takes_in_every_set_cookie()
    {
        var jar = new CookieJar();
        jar.Set("__Host-bff", "session");
        string? sentCookie = null;
        var inner = new StubHandler(request =>
        {
            sentCookie = request.Headers.TryGetValues("Cookie", out var v) ? string.Join("|", v) : null;
            var response = new HttpResponseMessage(HttpStatusCode.OK);
            response.Headers.Add("Set-Cookie", ["__Host-bff=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; secure; samesite=strict; httponly", "__Host-bff-af=tok; path=/; secure; samesite=strict"]);
            return response;
        });
        using var client = new HttpClient(new CookieJarHandler(jar, inner));

        using var first = await client.GetAsync(new Uri("http://127.0.0.1:5080/bff/user"));
        Assert.Equal("__Host-bff=session", sentCookie);
        Assert.Null(jar.Get("__Host-bff"));
        Assert.Equal("tok", jar.Get("__Host-bff-af"));

        // An explicit Cookie header wins, so tests can send forged cookies.
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5080/bff/user");
        request.Headers.Add("Cookie", "__Host-bff=forged");
        using var second = await client.SendAsync(request);
        Assert.Equal("__Host-bff=forged", sentCookie);
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = respond(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
