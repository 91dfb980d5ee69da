using Bff.Configuration;
using Bff.Http;
using Bff.Sessions;
using Bff.Tests.Support;
using System.Buffers.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Sessions;

public sealed class SessionCookieTests : IDisposable
{
    private readonly List<TestDataProtection> _keyRings = [];

    public void Dispose() => _keyRings.ForEach(k => k.Dispose());

    // Each call: a key ring of its own.
    private SessionCookie Create()
    {
        var keyRing = TestDataProtection.InMemory();
        _keyRings.Add(keyRing);
        return keyRing.Cookie();
    }

    [Fact]
    public async Task TryReadHandle_RoundTrip_YieldsHandleOfSecret()
    {
        var cookie = Create();
        var secret = SessionCookie.NewSecret();

        var value = cookie.Protect(secret);

        Assert.Equal(SessionCookie.HandleOf(secret), await cookie.TryReadHandleAsync(value, default));
        Assert.DoesNotContain(SessionCookie.HandleOf(secret), value, StringComparison.Ordinal);
    }

    // The proxied path reads the cookie as a slice of the Cookie header: a cookie verified once must be found
    // from that slice without being decrypted again.
    [Fact]
    public async Task TryReadHandle_SameCookieAgainAsASliceOfTheHeader_NotUnprotectedAgain()
    {
        var keyRing = TestDataProtection.InMemory();
        _keyRings.Add(keyRing);
        var counting = new CountingDataProtectionProvider(keyRing.Provider);
        var cookie = new SessionCookie(counting, keyRing.Gate, Options.Create(new BffOptions()));
        var secret = SessionCookie.NewSecret();
        var value = cookie.Protect(secret);

        var first = await cookie.TryReadHandleAsync(value, default);
        var second = await cookie.TryReadHandleAsync(CookieHeader.ValueOf("a=1; __Host-bff=" + value + "; b=2", "__Host-bff"), default);

        Assert.Equal(SessionCookie.HandleOf(secret), first);
        Assert.Equal(first, second);
        Assert.Equal(1, counting.Unprotects);
    }

    // Decoding base64url skips whitespace: were such spellings accepted, one genuine cookie would be endless
    // distinct cookies, each decrypted and remembered.
    [Theory]
    [InlineData("a space inside")]
    [InlineData("a tab inside")]
    [InlineData("spaces inside")]
    public async Task TryReadHandle_GenuineCookieSpelledOtherwise_NullWithoutDecryptingOrRemembering(string spelling)
    {
        var keyRing = TestDataProtection.InMemory();
        _keyRings.Add(keyRing);
        var counting = new CountingDataProtectionProvider(keyRing.Provider);
        var cookie = new SessionCookie(counting, keyRing.Gate, Options.Create(new BffOptions()));
        var value = cookie.Protect(SessionCookie.NewSecret());
        Assert.NotNull(await cookie.TryReadHandleAsync(value, default));
        var middle = value.Length / 2;
        var variant = spelling switch
        {
            "a space inside" => value.Insert(middle, " "),
            "a tab inside" => value.Insert(middle, "\t"),
            _ => value.Insert(middle, "  ").Insert(10, " "),
        };

        var handle = await cookie.TryReadHandleAsync(variant, default);

        Assert.Null(handle);
        Assert.Equal(1, counting.Unprotects);
        Assert.Equal(1, cookie.RememberedCount);
    }

    [Fact]
    public async Task TryReadHandle_PastTheCap_MostRememberedCookiesStayRemembered()
    {
        var keyRing = TestDataProtection.InMemory();
        _keyRings.Add(keyRing);
        var counting = new CountingDataProtectionProvider(keyRing.Provider);
        var cookie = new SessionCookie(counting, keyRing.Gate, Options.Create(new BffOptions())) { Capacity = 2_000 };
        var inUse = Enumerable.Range(0, 200).Select(_ => cookie.Protect(SessionCookie.NewSecret())).ToArray();
        foreach (var value in inUse)
        {
            await cookie.TryReadHandleAsync(value, default);
        }

        // A flood of new cookies, one cap's worth: with the cookies in use, past the cap.
        for (var i = 0; i < cookie.Capacity; i++)
        {
            await cookie.TryReadHandleAsync(cookie.Protect(SessionCookie.NewSecret()), default);
        }

        var before = counting.Unprotects;
        foreach (var value in inUse)
        {
            Assert.NotNull(await cookie.TryReadHandleAsync(value, default));
        }

        // Past the cap a fraction of the entries goes, not all of them.
        Assert.InRange(counting.Unprotects - before, 0, inUse.Length / 4);
        Assert.InRange(cookie.RememberedCount, 1, cookie.Capacity);
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
    public async Task TryReadHandle_Garbage_Null(string value)
    {
        Assert.Null(await Create().TryReadHandleAsync(value, default));
    }

    [Fact]
    public async Task TryReadHandle_Tampered_Null()
    {
        var cookie = Create();
        var value = cookie.Protect(SessionCookie.NewSecret()).ToCharArray();
        value[value.Length / 2] = value[value.Length / 2] == 'A' ? 'B' : 'A';

        Assert.Null(await cookie.TryReadHandleAsync(new string(value), default));
    }

    [Fact]
    public async Task TryReadHandle_OtherKeyRing_Null()
    {
        var value = Create().Protect(SessionCookie.NewSecret());
        Assert.Null(await Create().TryReadHandleAsync(value, default));
    }

    [Fact]
    public async Task TryReadHandle_Oversized_Null()
    {
        Assert.Null(await Create().TryReadHandleAsync(new string('A', 8192), default));
    }
}
