using Bff.Http;
using Microsoft.Extensions.Primitives;

namespace Bff.Tests.Http;

public sealed class CookieHeaderTests
{
    private const string Name = "__Host-bff";
    private const string Antiforgery = "__Host-bff-af";

    [Theory]
    [InlineData("__Host-bff=v", "v")]
    [InlineData("a=1; __Host-bff=v; b=2", "v")]
    [InlineData("a=1;__Host-bff=v;b=2", "v")]
    [InlineData("  __Host-bff = v  ", "v")]
    [InlineData("a=1", "")]
    [InlineData("", "")]
    [InlineData("__host-bff=v", "")]
    [InlineData("__Host-bff=v; __Host-bff=w", "")]
    public void ValueOf_ReadsTheExactNameOnce(string header, string expected)
    {
        Assert.Equal(expected, CookieHeader.ValueOf(header, Name).ToString());
    }

    // What a sibling subdomain plants with Set-Cookie: t=x,__Host-bff=v; Domain=example.com.
    [Theory]
    [InlineData("t=x,__Host-bff=v", "")]
    [InlineData("t=x, __Host-bff=v", "")]
    [InlineData("t=x,__Host-bff=v; __Host-bff=mine", "mine")]
    [InlineData("__Host-bff=mine; t=x,__Host-bff=v", "mine")]
    [InlineData("__Host-bff=mine,__Host-bff=v", "mine,__Host-bff=v")]
    public void ValueOf_ACommaIsPartOfAValue(string header, string expected)
    {
        Assert.Equal(expected, CookieHeader.ValueOf(header, Name).ToString());
    }

    [Fact]
    public void ValueOf_EveryCookieHeaderCounts()
    {
        Assert.Equal("v", CookieHeader.ValueOf(new StringValues(["a=1", "__Host-bff=v"]), Name).ToString());
        Assert.Equal("", CookieHeader.ValueOf(new StringValues(["__Host-bff=v", "__Host-bff=w"]), Name).ToString());
        Assert.Equal("v", CookieHeader.ValueOf(new StringValues(["t=x,__Host-bff=w", "__Host-bff=v"]), Name).ToString());
    }

    [Theory]
    [InlineData("__Host-bff=v; __Host-bff-af=a", 1, 1)]
    [InlineData("__Host-bff=v; __HOST-BFF=w; __host-bff-af=a; __Host-bff-af=b", 2, 2)]
    [InlineData("t=x,__Host-bff=v", 0, 0)]
    [InlineData("t=x,__Host-bff=v; __Host-bff=mine", 1, 0)]
    [InlineData("t=x,__Host-bff-af=a; __Host-bff-af=mine; __Host-bff=v", 1, 1)]
    [InlineData("__Host-bff=v, __Host-bff=w", 1, 0)]
    public void Count_SplitsOnSemicolonsOnly_NamesInAnyCase(string header, int sessions, int antiforgery)
    {
        Assert.Equal((sessions, antiforgery), CookieHeader.Count(header, Name, Antiforgery));
    }
}
