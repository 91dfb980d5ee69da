using Bff.Idp;
using Bff.Proxy;

namespace Bff.Tests.Proxy;

public class UpstreamTokenTests
{
    [Fact]
    public void AuthorizationHeader_IsBearerAndToken()
    {
        Assert.Equal("Bearer eyJ.a.b", new UpstreamToken(new BearerToken("eyJ.a.b")).AuthorizationHeader);
    }

    [Fact]
    public void AuthorizationHeader_IsTheTokenSetsOwnString_NotACopy()
    {
        var tokens = new TokenSet(new string('t', 1000), "rt", DateTimeOffset.UnixEpoch);

        var first = new UpstreamToken(tokens.Bearer);
        var second = new UpstreamToken(tokens.Bearer);

        Assert.Same(tokens.Bearer.HeaderValue, first.AuthorizationHeader);
        Assert.Same(first.AuthorizationHeader, second.AuthorizationHeader);
    }
}
