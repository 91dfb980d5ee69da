using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using System.Text.Json;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>Small steps the lifecycle tests share: their configuration, waiting for the session cache, reading /bff/user and /bff/sessions.</summary>
internal static class LifecycleGateways
{
    public static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    /// <summary>Far longer than any wait of these tests: a cached session refused within one was refused by its invalidation message.</summary>
    private static readonly TimeSpan SessionCacheDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <see cref="GatewayConfig.Create"/> with a session cache that outlasts every wait here, so a test of revocation
    /// across instances checks what ended the cached session (the message) rather than how fast, which a loaded
    /// machine decides.
    /// </summary>
    public static Dictionary<string, string?> Config(DevIdp idp, RedisServer redis)
    {
        var config = GatewayConfig.Create(idp, redis);
        config["Bff:Session:CacheDuration"] = SessionCacheDuration.ToString();
        return config;
    }

    /// <summary>Waits until every browser gets 401 <c>session_expired</c> from /bff/user.</summary>
    public static async Task WaitForSessionExpiredAsync(IReadOnlyList<TestBrowser> browsers)
    {
        foreach (var browser in browsers)
        {
            await Eventually.TrueAsync(async () =>
            {
                var (status, body) = await UserAsync(browser);
                return status == HttpStatusCode.Unauthorized && body.GetProperty("code").GetString() == "session_expired";
            }, TimeSpan.FromSeconds(30), $"{browser.BaseAddress} to answer 401 session_expired", TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>
    /// Waits until the instance has confirmed its invalidation subscription and turned its session cache on, so
    /// a test of cross-instance revocation really runs against cached sessions.
    /// </summary>
    public static Task WaitForSessionCacheAsync(GatewayProcess gateway) =>
        gateway.Output.WaitForAsync("session cache on", TimeSpan.FromSeconds(15));

    public static async Task<(HttpStatusCode Status, JsonElement Body)> UserAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, json.RootElement.Clone());
    }

    public static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        var (status, body) = await UserAsync(browser);
        Assert.True(status == HttpStatusCode.OK, $"/bff/user on {browser.BaseAddress}: {(int)status} {body}");
        return body.GetProperty("session").GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement[]> SessionsAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/sessions", Xhr);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/bff/sessions: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    public static async Task<TestBrowser> LoggedInAsync(GatewayProcess gateway, string user, string? userAgent = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var browser = gateway.CreateBrowser();
        if (userAgent is not null)
        {
            browser.DefaultRequestHeaders.UserAgent.Clear();
            browser.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        }

        foreach (var (name, value) in headers ?? [])
        {
            browser.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        using var login = await browser.LoginAsync(user, user);
        login.EnsureSuccess();
        return browser;
    }
}
