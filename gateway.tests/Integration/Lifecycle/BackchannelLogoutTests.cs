using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
using System.Net;
using static Bff.Tests.Integration.Lifecycle.LifecycleGateways;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// The dev IdP's own end-session flow, with the gateway registered as its back-channel logout receiver:
/// the IdP's logout_token ends exactly the gateway sessions of that IdP session, on every instance.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BackchannelLogoutTests
{
    [Fact]
    public async Task IdpLogout_EndsThatIdpSessionsGatewaySessionOnEveryInstanceOnly()
    {
        var shared = await SharedServers.GetAsync();
        var port = FreePort.Next();
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions
        {
            BackchannelLogoutUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/bff/backchannel-logout")),
        });
        var config = Config(idp, shared.Redis);
        await using var a = await GatewayProcess.StartAsync(new GatewayStartOptions { Config = config, Port = port });
        await using var b = await GatewayProcess.StartAsync(config);
        await Task.WhenAll(WaitForSessionCacheAsync(a), WaitForSessionCacheAsync(b));
        using var stored = new StoredSessions(shared.Redis);

        // Two browsers, so two IdP sessions of alice: only the one logged out at the IdP may end.
        using var leaving = await LoggedInAsync(a, "alice");
        using var staying = await LoggedInAsync(a, "alice");
        using var leavingOnB = leaving.WithBaseAddress(b.BaseAddress);
        using var stayingOnB = staying.WithBaseAddress(b.BaseAddress);
        var leavingId = await SessionIdAsync(leaving);
        var stayingId = await SessionIdAsync(staying);
        Assert.NotEqual(leavingId, stayingId);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(leavingOnB)).Status);
        var refreshToken = (await stored.TokensAsync(leavingId))!.RefreshToken!;

        var postLogout = Uri.EscapeDataString(new Uri(a.BaseAddress, "/signout-callback-oidc").ToString());
        using var idpLogout = await leaving.LogoutAtIdpAsync($"{idp.Issuer}/session/end?client_id={idp.ClientId}&post_logout_redirect_uri={postLogout}");

        // The IdP waits for the back-channel call before it redirects, so it is done by now.
        Assert.True(idp.Output.Contains("back-channel logout delivered"), idp.Output.Tail());
        await a.Output.WaitForAsync("Back-channel logout ended 1 session(s), matched by sid", TimeSpan.FromSeconds(5));
        await WaitForSessionExpiredAsync([leavingOnB, leaving]);
        Assert.Equal(new Uri(a.BaseAddress, "/"), idpLogout.FinalUri);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(staying)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(stayingOnB)).Status);

        // Its grant is revoked too, from the background queue.
        await IdpIntrospection.BecomesInactiveAsync(idp, refreshToken);
        Assert.True(await IdpIntrospection.IsActiveAsync(idp, (await stored.TokensAsync(stayingId))!.RefreshToken!));
    }
}
