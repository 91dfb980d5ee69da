using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Telemetry;

/// <summary>
/// A real login, token refresh, proxied call and /bff/user through a gateway process with its
/// production logging (JSON console, the gateway's own categories at Debug): no token, cookie value,
/// authorization code or client secret appears in what it wrote.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class LogHygieneTests
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    [Fact]
    public async Task LoginRefreshProxiedCallAndUser_GatewayOutput_HoldsNoSecret()
    {
        var shared = await SharedServers.GetAsync();
        using var upstream = WireMockServer.Start();
        upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"ok\":true}"));
        // Tokens for 4 s, due 2 s before they expire: the proxied call below, made past that, refreshes first.
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions { AccessTokenLifetime = TimeSpan.FromSeconds(4) });
        var config = GatewayConfig.Create(idp, shared.Redis, new Uri(upstream.Url + "/"));
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:00:02";
        config["Logging:LogLevel:Bff"] = "Debug";
        await using var gateway = await GatewayProcess.StartAsync(config);
        using var browser = gateway.CreateBrowser();
        using var redis = await ConnectionMultiplexer.ConnectAsync(shared.Redis.ConnectionString);

        using var login = await browser.LoginAsync("alice", "alice", "/");
        login.EnsureSuccess();
        var sessionId = await SessionIdAsync(browser);
        var atLogin = await ReadTokensAsync(redis, sessionId);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        using (var proxied = await browser.GetAsync("/api/data", Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }

        var afterRefresh = await ReadTokensAsync(redis, sessionId);
        Assert.NotEqual(atLogin.AccessToken, afterRefresh.AccessToken);
        var forwarded = upstream.LogEntries.Last().RequestMessage.Headers!["Authorization"].Single();
        Assert.Equal("Bearer " + afterRefresh.AccessToken, forwarded);
        Assert.Equal(sessionId, await SessionIdAsync(browser));

        var secrets = new List<(string What, string Value)>
        {
            ("client secret", idp.ClientSecret),
            ("access token at login", atLogin.AccessToken),
            ("refresh token at login", atLogin.RefreshToken!),
            ("refreshed access token", afterRefresh.AccessToken),
            ("refreshed refresh token", afterRefresh.RefreshToken!),
        };
        var callback = QueryOf(login.CallbackUri!);
        secrets.Add(("authorization code", callback["code"]));
        secrets.Add(("state", callback["state"]));
        foreach (var name in browser.Cookies.Names)
        {
            if (browser.Cookies.Get(name) is { Length: >= 16 } value)
            {
                secrets.Add(($"cookie {name}", value));
            }
        }

        // Give the process a moment to flush what it logged for the last request.
        await Task.Delay(300);
        var output = gateway.Output.ToString();
        Assert.Contains(sessionId, output, StringComparison.Ordinal); // the public handle may be logged, and is
        foreach (var (what, value) in secrets)
        {
            Assert.False(output.Contains(value, StringComparison.Ordinal), $"The gateway's output holds the {what}.");
            Assert.False(output.Contains(Uri.EscapeDataString(value), StringComparison.Ordinal), $"The gateway's output holds the {what}, URL-encoded.");
        }

        // The ID token is not kept (so not listed above), and it is a JWT: no JWT at all.
        Assert.DoesNotMatch(Jwt(), output);
        Assert.DoesNotContain("Bearer ", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    private static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("session").GetProperty("id").GetString()!;
    }

    /// <summary>The session's tokens as stored, decrypted with the key ring the gateway keeps in Redis.</summary>
    private static async Task<TokenSet> ReadTokensAsync(ConnectionMultiplexer redis, string sessionId)
    {
        using var keyRing = TestDataProtection.InRedis(redis);
        var protector = keyRing.SessionProtector();
        var stored = await redis.GetDatabase().HashGetAsync(RedisKeys.Default.Session(sessionId), "t");
        Assert.False(stored.IsNull, "The session has no tokens in Redis.");
        return await protector.UnprotectTokensAsync(sessionId, (byte[])stored!, default);
    }

    private static Dictionary<string, string> QueryOf(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));
}
