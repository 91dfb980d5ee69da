using Bff.Tests.Support;
using System.Net;

namespace Bff.Tests.Endpoints;

/// <summary>
/// The sessions API with the in-memory store; the cases that read the store's per-user index run with Redis too
/// (<see cref="SessionsEndpointsAcrossStores"/>).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SessionsEndpointsTests : SessionsEndpointsAcrossStores
{
    protected override bool UsesRedis => false;

    [Fact]
    public async Task List_WithoutSession_401()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/sessions", OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UnsafeCalls_WithoutCsrfHeader_403()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp);
        var alice = Unique("alice");
        var (_, myBrowser) = await host.SeedSessionAsync(alice);
        var (other, b2) = await host.SeedSessionAsync(alice);
        using var _1 = myBrowser;
        using var _2 = b2;

        using var delete = await myBrowser.DeleteAsync("/bff/sessions/" + other.Id);
        using var revoke = await myBrowser.PostAsync("/bff/sessions/revoke-others", null);

        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.True(await host.IsAliveAsync(other.Id));
    }
}
