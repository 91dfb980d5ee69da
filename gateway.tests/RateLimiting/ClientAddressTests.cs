using Bff.RateLimiting;
using System.Net;

namespace Bff.Tests.RateLimiting;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void KeyOf_IPv4AsItIs_IPv6ByItsSlash64(string address, string key) =>
        Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void KeyOf_NoAddress_OneSharedKey() => Assert.Equal(ClientAddress.Unknown, ClientAddress.KeyOf(null));
}
