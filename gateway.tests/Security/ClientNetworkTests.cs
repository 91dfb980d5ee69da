using Bff.Security;
using System.Net;

namespace Bff.Tests.Security;

public sealed class ClientNetworkTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0/24")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void Of_TheNetwork(string address, string expected) =>
        Assert.Equal(expected, ClientNetwork.Of(IPAddress.Parse(address)));

    [Fact]
    public void Of_NoAddress_Unknown() => Assert.Equal(ClientNetwork.Unknown, ClientNetwork.Of(null));
}
