namespace Bff.Tests.Support;

internal static class CookieAssert
{
    /// <summary>
    /// The last Set-Cookie for <paramref name="name"/> deleted it, with the attributes a browser needs to accept it for
    /// a <c>__Host-</c> cookie (Secure, Path=/, no Domain) and HttpOnly, and the browser no longer holds it.
    /// </summary>
    public static void Deleted(TestBrowser browser, string name)
    {
        var cookie = browser.Cookies.LastSetCookie(name);
        Assert.NotNull(cookie);
        Assert.True(cookie.IsDeletion(DateTimeOffset.UtcNow), cookie.Raw);
        Assert.True(cookie.Secure, cookie.Raw);
        Assert.True(cookie.HttpOnly, cookie.Raw);
        Assert.Equal("/", cookie.Path);
        Assert.Null(cookie.Domain);
        Assert.DoesNotContain(cookie.Raw, browser.Cookies.RejectedSetCookieHeaders);
        Assert.False(browser.Cookies.Contains(name));
    }
}
