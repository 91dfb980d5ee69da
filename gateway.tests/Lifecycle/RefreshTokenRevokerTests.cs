using Bff.Lifecycle;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Lifecycle;

/// <summary>
/// An IdP whose discovery names no revocation endpoint: sessions still end (logout, the sessions API), and their
/// refresh tokens are not queued for a revocation that can never happen.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class RefreshTokenRevokerTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new(revocationEndpoint: false);

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task IdpWithoutRevocation_SessionsEnd_NothingStaysQueued()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var queue = (InMemoryRevocationQueue)host.Services.GetRequiredService<IRevocationQueue>();
        var (current, browser) = await host.SeedSessionAsync("alice", refreshToken: "rt-current");
        var (other, otherBrowser) = await host.SeedSessionAsync("alice", refreshToken: "rt-other");
        using var _ = browser;
        using var __ = otherBrowser;

        // Revoked in the background, through the queue.
        using (var revoked = await browser.PostAsync("/bff/sessions/revoke-others", null, await OidcGatewayHost.UnsafeHeadersAsync(browser)))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.False(await host.IsAliveAsync(other.Id));
        await Eventually.TrueAsync(() => queue.Count == 0, TimeSpan.FromSeconds(10), "the queued revocation to be done with");

        // Revoked at once, at logout.
        using (var logout = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(current.Id)))
        {
            Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        }

        Assert.False(await host.IsAliveAsync(current.Id));
        Assert.Equal(0, queue.Count);
        Assert.Empty(_idp.RevocationRequests);
    }
}
