using Bff.Idp;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Bff.Tests.Endpoints;

/// <summary>
/// Back-channel logout tokens signed with the fake IdP's key (served from its JWKS), with the in-memory
/// store and with Redis (where the jti replay cache and session indexes are Redis's).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class BackchannelLogoutEndpointTests : IDisposable
{
    private const string Path = "/bff/backchannel-logout";
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    public static TheoryData<bool> Stores => new() { false, true };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ValidTokenWithSid_EndsOnlyThatIdpSessionsSessions(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis);
        var user = Unique("alice");
        var sid = Unique("sid");
        var (first, b1) = await host.SeedSessionAsync(user, sid);
        var (second, b2) = await host.SeedSessionAsync(user, sid);
        var (other, b3) = await host.SeedSessionAsync(user, Unique("sid"));
        using var _1 = b1;
        using var _2 = b2;
        using var _3 = b3;

        using var response = await PostAsync(host, _idp.LogoutToken(user, sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(await host.IsAliveAsync(first.Id));
        Assert.False(await host.IsAliveAsync(second.Id));
        Assert.True(await host.IsAliveAsync(other.Id));
        using var user1 = await b1.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, user1.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ValidTokenWithSubOnly_EndsEveryOneOfTheUsersSessions(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis);
        var user = Unique("alice");
        var (first, b1) = await host.SeedSessionAsync(user, Unique("sid"));
        var (second, b2) = await host.SeedSessionAsync(user, Unique("sid"));
        var (bob, b3) = await host.SeedSessionAsync(Unique("bob"), Unique("sid"));
        using var _1 = b1;
        using var _2 = b2;
        using var _3 = b3;

        using var response = await PostAsync(host, _idp.LogoutToken(user, sid: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await host.IsAliveAsync(first.Id));
        Assert.False(await host.IsAliveAsync(second.Id));
        Assert.True(await host.IsAliveAsync(bob.Id));
    }

    [Fact]
    public async Task SidOfAnotherSubject_EndsNothing()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var sid = Unique("sid");
        var (alice, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;

        using var response = await PostAsync(host, _idp.LogoutToken("mallory", sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await host.IsAliveAsync(alice.Id));
    }

    [Fact]
    public async Task NothingMatches_200()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);

        using var response = await PostAsync(host, _idp.LogoutToken("nobody", Unique("sid")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string> Malformed => new()
    {
        "bad_signature", "alg_none", "wrong_aud", "wrong_iss", "no_events", "events_without_logout", "events_not_object",
        "with_nonce", "expired", "old_without_exp", "iat_in_future", "no_iat", "no_jti", "no_sub_no_sid", "hs256",
        "not_a_jwt", "unknown_kid",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task MalformedToken_400AndNothingEnded(string variant)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var otherKey = RSA.Create(2048);

        var token = variant switch
        {
            "bad_signature" => _idp.LogoutToken("alice", sid, key: otherKey),
            "alg_none" => _idp.LogoutToken("alice", sid, alg: "none"),
            "wrong_aud" => _idp.LogoutToken("alice", sid, c => c["aud"] = "someone-else"),
            "wrong_iss" => _idp.LogoutToken("alice", sid, c => c["iss"] = "https://evil.example"),
            "no_events" => _idp.LogoutToken("alice", sid, c => c["events"] = null),
            "events_without_logout" => _idp.LogoutToken("alice", sid, c => c["events"] = new JsonObject { ["http://example.com/other"] = new JsonObject() }),
            "events_not_object" => _idp.LogoutToken("alice", sid, c => c["events"] = new JsonObject { [Bff.Idp.LogoutTokenValidator.BackchannelLogoutEvent] = "yes" }),
            "with_nonce" => _idp.LogoutToken("alice", sid, c => c["nonce"] = "n-1"),
            "expired" => _idp.LogoutToken("alice", sid, c => { c["iat"] = now - 600; c["exp"] = now - 300; }),
            "old_without_exp" => _idp.LogoutToken("alice", sid, c => { c["iat"] = now - 3600; c["exp"] = null; }),
            "iat_in_future" => _idp.LogoutToken("alice", sid, c => { c["iat"] = now + 600; c["exp"] = now + 900; }),
            "no_iat" => _idp.LogoutToken("alice", sid, c => c["iat"] = null),
            "no_jti" => _idp.LogoutToken("alice", sid, c => c["jti"] = null),
            "no_sub_no_sid" => _idp.LogoutToken(null, null),
            "hs256" => HmacToken(sid),
            "not_a_jwt" => "not-a-jwt",
            "unknown_kid" => _idp.LogoutToken("alice", sid, key: otherKey, kid: "rotated-key"),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        using var response = await PostAsync(host, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_request", (await OidcGatewayHost.JsonAsync(response)).GetProperty("code").GetString());
        Assert.True(await host.IsAliveAsync(session.Id));
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task ValidWithoutExp_Accepted()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;

        using var response = await PostAsync(host, _idp.LogoutToken("alice", sid, c => c["exp"] = null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await host.IsAliveAsync(session.Id));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ReplayedJti_400AndNothingEnded(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis);
        var user = Unique("alice");
        var sid = Unique("sid");
        var (first, b1) = await host.SeedSessionAsync(user, sid);
        using var _1 = b1;
        var token = _idp.LogoutToken(user, sid);
        using (var accepted = await PostAsync(host, token))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Assert.False(await host.IsAliveAsync(first.Id));

        // A later login from the same IdP session must not be ended by a replay of the old token.
        var (second, b2) = await host.SeedSessionAsync(user, sid);
        using var _2 = b2;
        using var replayed = await PostAsync(host, token);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.True(await host.IsAliveAsync(second.Id));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data")]
    public async Task NotAUrlEncodedForm_400(string contentType)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;
        using var client = host.Factory.CreateClient();
        using var content = new StringContent("logout_token=" + _idp.LogoutToken("alice", sid));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await client.PostAsync(Path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await host.IsAliveAsync(session.Id));
    }

    [Fact]
    public async Task NoToken_Or_TwoTokens_400()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var client = host.Factory.CreateClient();
        var token = _idp.LogoutToken("alice", Unique("sid"));

        using var none = await client.PostAsync(Path, new FormUrlEncodedContent([new("other", "x")]));
        using var two = await client.PostAsync(Path, new FormUrlEncodedContent([new("logout_token", token), new("logout_token", token)]));

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
    }

    [Fact]
    public async Task Get_NotAllowed()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var client = host.Factory.CreateClient();

        using var response = await client.GetAsync(Path + "?logout_token=" + _idp.LogoutToken("alice", "s"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(OidcGatewayHost host, string token)
    {
        // As an IdP sends it: no cookies, no CSRF header, no Origin.
        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        return await client.PostAsync(Path, new FormUrlEncodedContent([new("logout_token", token)]));
    }

    private string HmacToken(string sid)
    {
        // Signed with a shared secret the attacker chose: must never verify, whatever the secret.
        var claims = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(
            System.Buffers.Text.Base64Url.DecodeFromChars(_idp.LogoutToken("alice", sid).Split('.')[1])))!.AsObject();
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"HS256","typ":"logout+jwt"}"""u8);
        var payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = HMACSHA256.HashData("bff-secret-bff-secret-bff-secret!"u8, System.Text.Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
