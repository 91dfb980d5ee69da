using Bff.Endpoints;

namespace Bff.Tests.Endpoints;

public class ReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/orders")]
    [InlineData("/orders?id=5&tab=a%20b")]
    [InlineData("/a/b/c#frag")]
    [InlineData("/search?next=https://example.com")]
    public void TryValidate_LocalPath_Accepted(string value)
    {
        Assert.True(ReturnUrl.TryValidate(value, out var path));
        Assert.Equal(value, path);
    }

    [Theory]
    [InlineData("/café", "/caf%C3%A9")]
    [InlineData("/caf%C3%A9", "/caf%C3%A9")]
    [InlineData("/caf%C3%A9/thé", "/caf%C3%A9/th%C3%A9")]
    [InlineData("/orders?city=Zürich#straße", "/orders?city=Z%C3%BCrich#stra%C3%9Fe")]
    [InlineData("/日本", "/%E6%97%A5%E6%9C%AC")]
    [InlineData("/😀", "/%F0%9F%98%80")]
    public void TryValidate_NonAscii_KeptPercentEncoded(string value, string expected)
    {
        Assert.True(ReturnUrl.TryValidate(value, out var path));
        Assert.Equal(expected, path);
        // The same path: what was encoded already is not encoded again.
        Assert.Equal(Uri.UnescapeDataString(value), Uri.UnescapeDataString(path));
    }

    [Fact]
    public void TryValidate_Missing_DefaultsToRoot()
    {
        Assert.True(ReturnUrl.TryValidate(null, out var path));
        Assert.Equal("/", path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("http:/evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("/%2Fevil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%252Fevil.example")]
    [InlineData("/%25252F%25252Fevil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/ok\\..\\evil")]
    [InlineData("/é\\evil.example")]
    [InlineData("/\u0085/evil.example")]
    public void TryValidate_NotLocal_Refused(string value)
    {
        Assert.False(ReturnUrl.TryValidate(value, out _));
    }

    [Fact]
    public void TryValidate_LoneSurrogate_Refused()
    {
        // Not text: it has no UTF-8 bytes to percent-encode.
        Assert.False(ReturnUrl.TryValidate("/a\ud800b", out _));
    }

    [Fact]
    public void TryValidate_TooLong_Refused()
    {
        Assert.False(ReturnUrl.TryValidate("/" + new string('a', 5000), out _));
    }
}
