using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Bff.Tests.Support;

/// <summary>
/// Long-lived requests through a gateway on Kestrel, as a browser holding <see cref="TestBrowser"/>'s session cookie
/// makes them: the event stream and WebSocket of <see cref="StreamingUpstream"/>, with the <c>X-CSRF</c> header.
/// </summary>
internal static class OpenStreams
{
    private const string CookieName = "__Host-bff";

    /// <summary>Opens <c>/api/events</c>, reads its first event, and starts waiting for the next.</summary>
    public static async Task<EventStream> OpenEventStreamAsync(TestBrowser browser)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.Resolve("/api/events"));
        request.Headers.Add("Cookie", CookieName + "=" + browser.Cookies.Get(CookieName));
        request.Headers.Add("X-CSRF", "1");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[StreamingUpstream.FirstEvent.Length];
        await body.ReadExactlyAsync(first);
        Assert.Equal(StreamingUpstream.FirstEvent, Encoding.UTF8.GetString(first));
        return new EventStream(client, response, body.ReadAsync(new byte[256]).AsTask());
    }

    /// <summary>Connects to <c>/api/ws</c> and checks that it echoes.</summary>
    public static async Task<ClientWebSocket> ConnectWebSocketAsync(TestBrowser browser)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", CookieName + "=" + browser.Cookies.Get(CookieName));
        socket.Options.SetRequestHeader("X-CSRF", "1");
        var address = new UriBuilder(browser.Resolve("/api/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(address, CancellationToken.None);
        await EchoAsync(socket, "hello");
        return socket;
    }

    /// <summary>Sends <paramref name="text"/> and expects it back.</summary>
    public static async Task EchoAsync(ClientWebSocket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    /// <summary>
    /// Polls until <paramref name="pending"/> (a read of an event stream, a receive of a WebSocket) has finished without
    /// data: the stream ended.
    /// </summary>
    public static async Task EndedAsync(Task pending, string because)
    {
        await Eventually.TrueAsync(() => pending.IsCompleted, TimeSpan.FromSeconds(10), because);
        switch (pending)
        {
            case Task<int> read when read.IsCompletedSuccessfully:
                Assert.Equal(0, read.Result);
                break;
            case Task<WebSocketReceiveResult> receive when receive.IsCompletedSuccessfully:
                Assert.Equal(WebSocketMessageType.Close, receive.Result.MessageType);
                break;
            default:
                // Cut off rather than closed: what an aborted connection looks like to the browser.
                Assert.True(pending.IsFaulted, $"Expected the read to fail, it was {pending.Status}.");
                var error = pending.Exception!.GetBaseException();
                Assert.True(error is IOException or WebSocketException, $"Expected the connection to be cut, got {error.GetType().Name}.");
                break;
        }
    }

    /// <summary>An open event stream and the read waiting for its next event.</summary>
    internal sealed class EventStream(HttpClient client, HttpResponseMessage response, Task<int> next) : IAsyncDisposable
    {
        public Task<int> Next { get; } = next;

        public Task EndedAsync() => OpenStreams.EndedAsync(Next, "the event stream to end");

        public async ValueTask DisposeAsync()
        {
            response.Dispose();
            client.Dispose();
            try
            {
                await Next;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }
}
