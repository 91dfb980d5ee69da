using Bff.Proxy;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Proxy;

/// <summary>
/// What a proxied request that lasts (an event stream, a WebSocket) does when its session ends: it ends too, whether
/// the session was logged out, ended from another device, or ran out of idle time while the stream stayed open. On
/// Kestrel (the test server has no WebSockets), in front of an upstream that holds its answers open; across Redis
/// instances in Integration/Proxy. And what the tracker itself promises, on requests made by hand.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SessionStreamsTests : IAsyncLifetime
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
    public async Task EventStream_EndsAtLogout_AndTheUpstreamIsReleased()
    {
        await using var host = await StartGatewayAsync();
        var (_, browser) = await host.SeedSessionAsync("alice");
        using var _1 = browser;
        await using var events = await OpenStreams.OpenEventStreamAsync(browser);

        using var logout = await browser.PostAsync("/bff/logout", null, await OidcGatewayHost.UnsafeHeadersAsync(browser));

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        await events.EndedAsync();
        await Eventually.TrueAsync(() => _upstream.Released == 1, TimeSpan.FromSeconds(10), "the upstream's request to be let go");
    }

    [Fact]
    public async Task WebSocket_EndsWhenAnotherDeviceEndsItsSession_TheOtherDevicesStaysOpen()
    {
        await using var host = await StartGatewayAsync();
        var (laptop, laptopBrowser) = await host.SeedSessionAsync("alice");
        var (_, phoneBrowser) = await host.SeedSessionAsync("alice");
        using var _1 = laptopBrowser;
        using var _2 = phoneBrowser;
        using var laptopSocket = await OpenStreams.ConnectWebSocketAsync(laptopBrowser);
        using var phoneSocket = await OpenStreams.ConnectWebSocketAsync(phoneBrowser);
        var pending = laptopSocket.ReceiveAsync(new ArraySegment<byte>(new byte[256]), CancellationToken.None);

        using var revoke = await phoneBrowser.DeleteAsync("/bff/sessions/" + laptop.Id, await OidcGatewayHost.UnsafeHeadersAsync(phoneBrowser));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await OpenStreams.EndedAsync(pending, "the laptop's WebSocket to end");
        await OpenStreams.EchoAsync(phoneSocket, "still here");
        Assert.Equal(WebSocketState.Open, phoneSocket.State);
    }

    [Fact]
    public async Task EventStream_EndsWhenItsSessionIdlesOutWhileOpen()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartGatewayAsync(time);
        var (_, browser) = await host.SeedSessionAsync("alice");
        using var _1 = browser;
        await using var events = await OpenStreams.OpenEventStreamAsync(browser);

        // No other request of the session meanwhile: an open stream does not slide the idle deadline.
        time.Advance(TimeSpan.FromMinutes(30));

        await events.EndedAsync();
    }

    // On a clock only the test moves: the periodic check of open streams runs only when a test advances it, so what
    // ends a stream in the other tests is the session's end being heard.
    [Fact]
    public async Task Sweep_StoreUnreachable_AbortsTheOpenStream_NeverOneThatCompleted()
    {
        var streams = new SessionStreams(UnavailableSessionStore.Create(), NullLogger<SessionStreams>.Instance);
        var open = new Request();
        var completed = new Request();
        streams.Track(open.Context, "s1");
        streams.Track(completed.Context, "s1");
        // As the server does at the end of a request, before it reuses the context for another.
        await completed.CompleteAsync();

        await streams.SweepAsync(CancellationToken.None);

        Assert.True(open.Aborted);
        Assert.False(completed.Aborted);
        await open.CompleteAsync();
        Assert.True(streams.IsEmpty);
    }

    private Task<OidcGatewayHost> StartGatewayAsync(FakeTimeProvider? time = null) =>
        OidcGatewayHost.StartAsync(_idp, time: time ?? new FakeTimeProvider(DateTimeOffset.UtcNow), kestrel: true, settings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Address.ToString(),
        });

    /// <summary>A request as the server keeps it: it records an abort, and runs what was registered for its end when told.</summary>
    private sealed class Request : HttpResponseFeature, IHttpRequestLifetimeFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onCompleted = [];

        public Request()
        {
            Context.Features.Set<IHttpResponseFeature>(this);
            Context.Features.Set<IHttpRequestLifetimeFeature>(this);
        }

        public DefaultHttpContext Context { get; } = new();

        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;

        public override void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Add((callback, state));

        public async Task CompleteAsync()
        {
            foreach (var (callback, state) in _onCompleted)
            {
                await callback(state);
            }
        }
    }
}
