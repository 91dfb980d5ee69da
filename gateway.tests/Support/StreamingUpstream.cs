using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Support;

/// <summary>
/// An upstream API whose answers last, on a real Kestrel at 127.0.0.1 (WireMock cannot hold a response open):
/// <c>/api/events</c> sends one server-sent event and then nothing until the caller hangs up; <c>/api/ws</c> echoes
/// WebSocket messages. It counts the requests it saw end because the gateway let go of them.
/// </summary>
internal sealed class StreamingUpstream : IAsyncDisposable
{
    public const string FirstEvent = "data: hello\n\n";

    private readonly WebApplication _app;
    private int _released;

    private StreamingUpstream(WebApplication app) => _app = app;

    /// <summary>Where it listens, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Requests that ended because the gateway closed them.</summary>
    public int Released => Volatile.Read(ref _released);

    public static async Task<StreamingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new StreamingUpstream(app);
        app.UseWebSockets();
        app.MapGet("/api/events", upstream.EventsAsync);
        app.Map("/api/ws", upstream.EchoAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        upstream.Address = new Uri(address + "/");
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task EventsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(FirstEvent);
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _released);
        }
    }

    private async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            Interlocked.Increment(ref _released);
        }
    }
}
