using Bff.Tests.Support;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Authentication;

/// <summary>What a login leaves in Redis: the session's tokens, encrypted, and nothing else of them.</summary>
public sealed partial class LoginFlowTests
{
    [Fact]
    public async Task Redis_HoldsNoTokenInTheClear()
    {
        using var browser = await LoggedInAsync();
        var token = await ForwardedBearerAsync(browser, "/api/at-rest");
        using var user = await browser.GetAsync("/bff/user", Xhr);
        var id = (await JsonAsync(user)).GetProperty("session").GetProperty("id").GetString()!;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.Redis.ConnectionString);
        var fields = await redis.GetDatabase().HashGetAllAsync($"bff:s:{{{id}}}");

        Assert.NotEmpty(fields);
        foreach (var field in fields)
        {
            var text = Encoding.Latin1.GetString((byte[])field.Value!);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("alice", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Redis_SessionTokens_AreTheAccessAndRefreshTokens_NoIdToken()
    {
        using var browser = await LoggedInAsync();
        var token = await ForwardedBearerAsync(browser, "/api/stored-tokens");
        using var user = await browser.GetAsync("/bff/user", Xhr);
        var id = (await JsonAsync(user)).GetProperty("session").GetProperty("id").GetString()!;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.Redis.ConnectionString);
        var stored = await redis.GetDatabase().HashGetAsync($"bff:s:{{{id}}}", "t");
        using var keyRing = TestDataProtection.InRedis(redis);
        var json = keyRing.Provider.CreateProtector("Bff.Session.Tokens.v2").CreateProtector(id).Unprotect((byte[])stored!);
        var tokens = JsonDocument.Parse(json).RootElement;

        Assert.Equal(token, tokens.GetProperty("accessToken").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));
        Assert.False(tokens.TryGetProperty("idToken", out _));
        // The dev IdP's ID token is a JWT: none but the access token is stored.
        Assert.DoesNotContain("eyJ", Encoding.UTF8.GetString(json).Replace(token, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
