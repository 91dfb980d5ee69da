using Bff.Routes;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Tests.Routes;

public class BffRouteMetadataTests
{
    private static RouteConfig Route(params (string Key, string Value)[] metadata) => new()
    {
        RouteId = "r1",
        ClusterId = "c1",
        Match = new RouteMatch { Path = "/api/{**rest}" },
        Metadata = metadata.Length == 0 ? null : metadata.ToDictionary(m => m.Key, m => m.Value),
    };

    [Fact]
    public void GetAccessTokenMode_NoMetadata_IsUser()
    {
        Assert.Equal(AccessTokenMode.User, BffRouteMetadata.GetAccessTokenMode(Route()));
        Assert.True(BffRouteMetadata.RequiresAntiforgery(Route()));
    }

    [Theory]
    [InlineData("User", AccessTokenMode.User)]
    [InlineData("useroptional", AccessTokenMode.UserOptional)]
    [InlineData("None", AccessTokenMode.None)]
    [InlineData("Client", AccessTokenMode.Client)]
    public void GetAccessTokenMode_Value_Parsed(string value, AccessTokenMode expected)
    {
        Assert.Equal(expected, BffRouteMetadata.GetAccessTokenMode(Route((BffRouteMetadata.AccessToken, value))));
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("true", true)]
    public void RequiresAntiforgery_Value_Parsed(string value, bool expected)
    {
        Assert.Equal(expected, BffRouteMetadata.RequiresAntiforgery(Route((BffRouteMetadata.Antiforgery, value))));
    }

    [Fact]
    public void GetTokenAudience_ResourceAndScope_ScopesInOneOrder()
    {
        var audience = BffRouteMetadata.GetTokenAudience(Route(
            (BffRouteMetadata.AccessTokenResource, "https://a.example"), (BffRouteMetadata.AccessTokenScope, " write  read write")));

        Assert.Equal(new TokenAudience("https://a.example", "read write"), audience);
        Assert.Equal(TokenAudience.Of("https://a.example", "read write")!.Key, audience!.Key);
        Assert.Null(BffRouteMetadata.GetTokenAudience(Route((BffRouteMetadata.AccessToken, "User"))));
        Assert.Null(BffRouteMetadata.GetTokenAudience(Route()));
    }

    [Fact]
    public void GetAccessTokenMode_UserOrClient_Parsed()
    {
        Assert.Equal(AccessTokenMode.UserOrClient, BffRouteMetadata.GetAccessTokenMode(Route((BffRouteMetadata.AccessToken, "UserOrClient"))));
    }
}
