using Bff.Proxy;

namespace Bff.Tests.Proxy;

public class UpstreamTokenTests
{
    [Fact]
    public void AuthorizationHeader_IsBearerAndToken()
    {
        Assert.Equal("Bearer eyJ.a.b", UpstreamToken.For("eyJ.a.b").AuthorizationHeader);
    }

    [Fact]
    public void SameToken_SameInstance_HeaderFormattedOnce()
    {
        var token = new string('t', 1000);

        var first = UpstreamToken.For(token);
        var second = UpstreamToken.For(token);

        Assert.Same(first, second);
        Assert.Same(first.AuthorizationHeader, second.AuthorizationHeader);
    }

    [Fact]
    public void NewToken_NewHeader()
    {
        var first = UpstreamToken.For(new string('a', 10));
        var second = UpstreamToken.For(new string('b', 10));

        Assert.Equal("Bearer " + new string('b', 10), second.AuthorizationHeader);
        Assert.NotEqual(first.AuthorizationHeader, second.AuthorizationHeader);
    }
}
