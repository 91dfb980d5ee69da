using Bff.Http;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Http;

public sealed class PublicOriginTests
{
    private static HttpRequest Request(string scheme, string host, string pathBase = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.PathBase = pathBase;
        return context.Request;
    }

    [Theory]
    [InlineData("https://app.example", "https://app.example")]
    [InlineData("https://app.example/", "https://app.example")]
    [InlineData(null, "http://127.0.0.1:5080")]
    [InlineData("", "http://127.0.0.1:5080")]
    public void Of_ConfiguredOrFromTheRequest(string? configured, string expected) =>
        Assert.Equal(expected, PublicOrigin.Of(Request("http", "127.0.0.1:5080"), configured));

    [Fact]
    public void Of_NeverCarriesThePathBase() =>
        Assert.Equal("http://127.0.0.1:5080", PublicOrigin.Of(Request("http", "127.0.0.1:5080", "/app"), null));

    [Theory]
    [InlineData("https://app.example", "https://app.example/app/signin-oidc")]
    [InlineData(null, "http://127.0.0.1:5080/app/signin-oidc")]
    public void UrlOf_UnderThePathBase_WhetherConfiguredOrNot(string? configured, string expected) =>
        Assert.Equal(expected, PublicOrigin.UrlOf(Request("http", "127.0.0.1:5080", "/app"), configured, "/signin-oidc"));
}
