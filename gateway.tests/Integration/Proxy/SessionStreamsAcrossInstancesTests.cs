using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Integration.Proxy;

/// <summary>
/// A stream open on one gateway instance ends when another instance ends its session: the end reaches it through
/// Redis pub/sub. Two in-process gateways on the run's shared Redis, each on Kestrel.
/// </summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class SessionStreamsAcrossInstancesTests : IAsyncLifetime
{
    private readonly FakeOidcProvider _idp = new();
    private StreamingUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await StreamingUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _idp.Dispose();
    }

    [Fact]
    public async Task EventStream_EndsWhenAnotherInstanceEndsItsSession()
    {
        // On a clock that stands still, the streaming instance never runs its periodic check of open streams: only the
        // announcement from the other instance can end the stream.
        await using var streaming = await StartGatewayAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var other = await StartGatewayAsync();
        var alice = "alice-" + Guid.NewGuid().ToString("N")[..8];
        var (laptop, laptopBrowser) = await streaming.SeedSessionAsync(alice);
        var (_, phoneBrowser) = await other.SeedSessionAsync(alice);
        using var _1 = laptopBrowser;
        using var _2 = phoneBrowser;
        await using var events = await OpenStreams.OpenEventStreamAsync(laptopBrowser);

        using var revoke = await phoneBrowser.DeleteAsync("/bff/sessions/" + laptop.Id, await OidcGatewayHost.UnsafeHeadersAsync(phoneBrowser));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await events.EndedAsync();
    }

    private Task<OidcGatewayHost> StartGatewayAsync(FakeTimeProvider? time = null) =>
        OidcGatewayHost.StartAsync(_idp, redis: true, time: time, kestrel: true, settings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Address.ToString(),
        });
}
