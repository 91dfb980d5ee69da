using Bff.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Antiforgery;

public class BrowserContextCheckTests
{
    private static HttpRequest Request(string? origin, string? fetchSite, string scheme = "https", string host = "app.example.com")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        if (fetchSite is not null)
        {
            context.Request.Headers[BrowserContextCheck.FetchSiteHeaderName] = fetchSite;
        }

        return context.Request;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("https://app.example.com", null)]
    [InlineData("https://APP.example.com", "same-origin")]
    [InlineData(null, "same-origin")]
    [InlineData(null, "none")]
    [InlineData("https://app.example.com", "same-site")]
    public void Check_SameOriginOrNotABrowser_Allowed(string? origin, string? fetchSite)
    {
        Assert.Null(new BrowserContextCheck(null).Check(Request(origin, fetchSite)));
    }

    [Theory]
    [InlineData("null", null, "null_origin")]
    [InlineData("null", "same-origin", "null_origin")]
    [InlineData("https://evil.example", null, "foreign_origin")]
    [InlineData("http://app.example.com", null, "foreign_origin")]
    [InlineData("https://app.example.com:8443", null, "foreign_origin")]
    [InlineData("https://app.example.com.evil.example", null, "foreign_origin")]
    [InlineData("https://app.example.com/path", null, "foreign_origin")]
    [InlineData("https://user@app.example.com", null, "foreign_origin")]
    [InlineData("", null, "foreign_origin")]
    [InlineData("app.example.com", null, "foreign_origin")]
    [InlineData(null, "cross-site", "cross_site")]
    [InlineData("https://app.example.com", "cross-site", "cross_site")]
    [InlineData(null, "same-site", "same_site")]
    [InlineData(null, "bogus", "unknown_fetch_site")]
    public void Check_AnotherSite_Refused(string? origin, string? fetchSite, string reason)
    {
        Assert.Equal(reason, new BrowserContextCheck(null).Check(Request(origin, fetchSite)));
    }

    [Fact]
    public void Check_RepeatedHeaders_Refused()
    {
        var request = Request(null, null);
        request.Headers.Origin = new(["https://app.example.com", "https://app.example.com"]);

        Assert.Equal("ambiguous_origin", new BrowserContextCheck(null).Check(request));
    }

    [Fact]
    public void Check_ConfiguredPublicOrigin_WinsOverTheRequestsHost()
    {
        // Behind a TLS-terminating proxy the gateway sees http and an internal host name.
        var check = new BrowserContextCheck("https://app.example.com");

        Assert.Null(check.Check(Request("https://app.example.com", "same-origin", scheme: "http", host: "gateway:8080")));
        Assert.Equal("foreign_origin", check.Check(Request("http://gateway:8080", "same-origin", scheme: "http", host: "gateway:8080")));
    }

    [Fact]
    public void Check_DerivedOrigin_IncludesPort()
    {
        var check = new BrowserContextCheck(null);

        Assert.Null(check.Check(Request("http://127.0.0.1:5080", null, scheme: "http", host: "127.0.0.1:5080")));
        Assert.Equal("foreign_origin", check.Check(Request("http://127.0.0.1:5081", null, scheme: "http", host: "127.0.0.1:5080")));
    }
}
