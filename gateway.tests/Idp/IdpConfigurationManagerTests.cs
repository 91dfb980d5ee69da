using Bff.Configuration;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;

namespace Bff.Tests.Idp;

/// <summary>
/// The IdP rotates its signing keys: the first token signed with the new key (an ID token at login, a logout
/// token) is validated against the new keys at once, fetched because its <c>kid</c> was unknown; and a flood of
/// tokens with made-up <c>kid</c>s costs one key fetch per refresh interval, not one each.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class IdpConfigurationManagerTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task KeyRotated_TheLoginRightAfterWorks()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using (var before = host.CreateBrowser())
        using (var login = await _idp.LoginAsync(before, "alice", "sid-1"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        _idp.RotateSigningKey();
        using var browser = host.CreateBrowser();
        using (var login = await _idp.LoginAsync(browser, "alice", "sid-2"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            Assert.Equal("/", login.Headers.Location!.OriginalString);
        }

        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task KeyRotated_ALogoutTokenWithTheNewKeyIsAccepted()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (session, browser) = await host.SeedSessionAsync("alice", "sid-1");
        using var _ = browser;
        using (var warm = await PostAsync(host, _idp.LogoutToken("nobody", "sid-0")))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        _idp.RotateSigningKey();
        using var response = await PostAsync(host, _idp.LogoutToken("alice", "sid-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await host.IsAliveAsync(session.Id));
    }

    [Fact]
    public async Task UnknownKids_OneKeyFetchPerRefreshInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: time);
        var interval = host.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(BffSessionDefaults.OidcScheme).RefreshInterval;
        using (var warm = await PostAsync(host, _idp.LogoutToken("nobody", "sid-0")))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        _idp.ClearRequests();
        using var otherKey = RSA.Create(2048);
        for (var i = 0; i < 20; i++)
        {
            using var refused = await PostAsync(host, _idp.LogoutToken("alice", "sid-1", key: otherKey, kid: "made-up-" + i));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(1, _idp.JwksRequestCount);

        time.Advance(interval);
        using (var refused = await PostAsync(host, _idp.LogoutToken("alice", "sid-1", key: otherKey, kid: "made-up-later")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(2, _idp.JwksRequestCount);
    }

    [Fact]
    public async Task AutomaticRefresh_InTheBackground_TheCallerIsNotKeptWaiting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var manager = Manager(_idp.Issuer, time);
        var first = await manager.GetConfigurationAsync(default);
        _idp.RotateSigningKey();

        time.Advance(manager.AutomaticRefreshInterval);
        var meanwhile = await manager.GetConfigurationAsync(default);

        Assert.Same(first, meanwhile);
        await Eventually.TrueAsync(async () => (await manager.GetConfigurationAsync(default)).SigningKeys.Any(k => k.KeyId == _idp.CurrentKeyId),
            TimeSpan.FromSeconds(10), "the background refresh to bring the new key");
    }

    [Fact]
    public async Task IdpDown_ARequestedRefreshKeepsTheKeysHeld_NeverLoaded_Throws()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var manager = Manager(_idp.Issuer, time);
        var held = await manager.GetConfigurationAsync(default);
        // Discovery now answers 404, as a broken IdP would.
        _idp.Server.ResetMappings();

        manager.RequestRefresh();

        Assert.Same(held, await manager.GetConfigurationAsync(default));
        var never = Manager(_idp.Issuer, time);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => never.GetConfigurationAsync(default));
        Assert.True(Bff.Idp.IdpFailure.IsUnavailable(failure));
    }

    private static Bff.Idp.IdpConfigurationManager Manager(string issuer, TimeProvider time) =>
        new(issuer + "/.well-known/openid-configuration", new HttpDocumentRetriever { RequireHttps = false }, time);

    private static async Task<HttpResponseMessage> PostAsync(OidcGatewayHost host, string token)
    {
        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        return await client.PostAsync("/bff/backchannel-logout", new FormUrlEncodedContent([new("logout_token", token)]));
    }
}
