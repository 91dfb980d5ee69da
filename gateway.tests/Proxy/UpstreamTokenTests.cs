using Bff.Proxy;

namespace Bff.Tests.Proxy;

public class UpstreamTokenTests
{
    [Fact]
    public void AuthorizationHeader_IsBearerAndToken()
    {
        Assert.Equal("Bearer eyJ.a.b", new UpstreamToken("eyJ.a.b").AuthorizationHeader);
    }

    [Fact]
    public void SameToken_HeaderFormattedOnce()
    {
        var token = new string('t', 1000);

        Assert.Same(new UpstreamToken(token).AuthorizationHeader, new UpstreamToken(token).AuthorizationHeader);
    }

    [Fact]
    public void NewToken_NewHeader()
    {
        var first = new UpstreamToken(new string('a', 10));
        var second = new UpstreamToken(new string('b', 10));

        Assert.Equal("Bearer " + new string('b', 10), second.AuthorizationHeader);
        Assert.NotEqual(first.AuthorizationHeader, second.AuthorizationHeader);
    }
}
