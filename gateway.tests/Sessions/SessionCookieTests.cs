using System.Buffers.Text;
using Bff.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Sessions;

public class SessionCookieTests
{
    private static SessionCookie Create(IDataProtectionProvider? provider = null) =>
        new(provider ?? new EphemeralDataProtectionProvider(), Options.Create(new BffOptions()));

    [Fact]
    public void TryReadHandle_RoundTrip_YieldsHandleOfSecret()
    {
        var cookie = Create();
        var secret = SessionCookie.NewSecret();

        var value = cookie.Protect(secret);

        Assert.Equal(SessionCookie.HandleOf(secret), cookie.TryReadHandle(value));
        Assert.DoesNotContain(SessionCookie.HandleOf(secret), value, StringComparison.Ordinal);
    }

    [Fact]
    public void HandleOf_Is128BitsBase64Url()
    {
        var handle = SessionCookie.HandleOf(SessionCookie.NewSecret());
        Assert.Equal(16, Base64Url.DecodeFromChars(handle).Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("not base64 !!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryReadHandle_Garbage_Null(string value)
    {
        Assert.Null(Create().TryReadHandle(value));
    }

    [Fact]
    public void TryReadHandle_Tampered_Null()
    {
        var cookie = Create();
        var value = cookie.Protect(SessionCookie.NewSecret()).ToCharArray();
        value[value.Length / 2] = value[value.Length / 2] == 'A' ? 'B' : 'A';

        Assert.Null(cookie.TryReadHandle(new string(value)));
    }

    [Fact]
    public void TryReadHandle_OtherKeyRing_Null()
    {
        var value = Create().Protect(SessionCookie.NewSecret());
        Assert.Null(Create().TryReadHandle(value));
    }

    [Fact]
    public void TryReadHandle_Oversized_Null()
    {
        Assert.Null(Create().TryReadHandle(new string('A', 8192)));
    }
}
