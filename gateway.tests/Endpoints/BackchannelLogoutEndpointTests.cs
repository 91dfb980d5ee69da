using Bff.Idp;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Bff.Tests.Endpoints;

/// <summary>
/// Back-channel logout tokens signed with the fake IdP's key (served from its JWKS), with the in-memory store;
/// the cases that depend on the store run with Redis too (<see cref="BackchannelLogoutAcrossStores"/>).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class BackchannelLogoutEndpointTests : BackchannelLogoutAcrossStores
{
    protected override bool UsesRedis => false;

    [Fact]
    public async Task SidOfAnotherSubject_EndsNothing()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var sid = Unique("sid");
        var (alice, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;

        using var response = await PostAsync(host, Idp.LogoutToken("mallory", sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await host.IsAliveAsync(alice.Id));
    }

    [Fact]
    public async Task NothingMatches_200()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);

        using var response = await PostAsync(host, Idp.LogoutToken("nobody", Unique("sid")));

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
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var otherKey = RSA.Create(2048);

        var token = variant switch
        {
            "bad_signature" => Idp.LogoutToken("alice", sid, key: otherKey),
            "alg_none" => Idp.LogoutToken("alice", sid, alg: "none"),
            "wrong_aud" => Idp.LogoutToken("alice", sid, c => c["aud"] = "someone-else"),
            "wrong_iss" => Idp.LogoutToken("alice", sid, c => c["iss"] = "https://evil.example"),
            "no_events" => Idp.LogoutToken("alice", sid, c => c["events"] = null),
            "events_without_logout" => Idp.LogoutToken("alice", sid, c => c["events"] = new JsonObject { ["http://example.com/other"] = new JsonObject() }),
            "events_not_object" => Idp.LogoutToken("alice", sid, c => c["events"] = new JsonObject { [Bff.Idp.LogoutTokenValidator.BackchannelLogoutEvent] = "yes" }),
            "with_nonce" => Idp.LogoutToken("alice", sid, c => c["nonce"] = "n-1"),
            "expired" => Idp.LogoutToken("alice", sid, c => { c["iat"] = now - 600; c["exp"] = now - 300; }),
            "old_without_exp" => Idp.LogoutToken("alice", sid, c => { c["iat"] = now - 3600; c["exp"] = null; }),
            "iat_in_future" => Idp.LogoutToken("alice", sid, c => { c["iat"] = now + 600; c["exp"] = now + 900; }),
            "no_iat" => Idp.LogoutToken("alice", sid, c => c["iat"] = null),
            "no_jti" => Idp.LogoutToken("alice", sid, c => c["jti"] = null),
            "no_sub_no_sid" => Idp.LogoutToken(null, null),
            "hs256" => HmacToken(sid),
            "not_a_jwt" => "not-a-jwt",
            "unknown_kid" => Idp.LogoutToken("alice", sid, key: otherKey, kid: "rotated-key"),
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
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;

        using var response = await PostAsync(host, Idp.LogoutToken("alice", sid, c => c["exp"] = null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await host.IsAliveAsync(session.Id));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data")]
    public async Task NotAUrlEncodedForm_400(string contentType)
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var sid = Unique("sid");
        var (session, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;
        using var client = host.Factory.CreateClient();
        using var content = new StringContent("logout_token=" + Idp.LogoutToken("alice", sid));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await client.PostAsync(EndpointPath, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await host.IsAliveAsync(session.Id));
    }

    [Fact]
    public async Task NoToken_Or_TwoTokens_400()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        using var client = host.Factory.CreateClient();
        var token = Idp.LogoutToken("alice", Unique("sid"));

        using var none = await client.PostAsync(EndpointPath, new FormUrlEncodedContent([new("other", "x")]));
        using var two = await client.PostAsync(EndpointPath, new FormUrlEncodedContent([new("logout_token", token), new("logout_token", token)]));

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
    }

    [Fact]
    public async Task Get_NotAllowed()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        using var client = host.Factory.CreateClient();

        using var response = await client.GetAsync(EndpointPath + "?logout_token=" + Idp.LogoutToken("alice", "s"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Span_CountsTheSessionsEnded_RefusalMarkedFailedWithItsReason()
    {
        using var spans = new SpanRecorder();
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var sid = Unique("sid");
        var (_, browser) = await host.SeedSessionAsync("alice", sid);
        using var _ = browser;

        using (var ended = await PostTracedAsync(host, Idp.LogoutToken("alice", sid), spans))
        {
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        }

        using (var refused = await PostTracedAsync(host, Idp.LogoutToken("alice", sid, c => c["jti"] = null), spans))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // A response with a body may reach the client before the handler's span ends.
        await Eventually.TrueAsync(() => spans.Named(BffActivitySource.BackchannelLogout).Count == 2, TimeSpan.FromSeconds(10), "both spans to end");
        var logouts = spans.Named(BffActivitySource.BackchannelLogout);
        Assert.Equal(1, logouts[0].GetTagItem("bff.sessions.ended"));
        Assert.Equal(ActivityStatusCode.Unset, logouts[0].Status);
        Assert.Equal("no_jti", logouts[1].GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, logouts[1].Status);
    }

    // As the IdP sends it, with a traceparent that puts the request's spans in the recorder's trace.
    private static async Task<HttpResponseMessage> PostTracedAsync(OidcGatewayHost host, string token, SpanRecorder spans)
    {
        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, EndpointPath) { Content = new FormUrlEncodedContent([new("logout_token", token)]) };
        request.Headers.Add(spans.TraceParent.Key, spans.TraceParent.Value);
        return await client.SendAsync(request);
    }

    private string HmacToken(string sid)
    {
        // Signed with a shared secret the attacker chose: must never verify, whatever the secret.
        var claims = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(
            System.Buffers.Text.Base64Url.DecodeFromChars(Idp.LogoutToken("alice", sid).Split('.')[1])))!.AsObject();
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"HS256","typ":"logout+jwt"}"""u8);
        var payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = HMACSHA256.HashData("bff-secret-bff-secret-bff-secret!"u8, System.Text.Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }
}
