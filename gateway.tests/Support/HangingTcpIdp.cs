using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Bff.Tests.Support;

/// <summary>
/// An IdP address that accepts connections, reads whatever is sent and never answers: a hung IdP, not a dead one.
/// Counts the connections it accepted, so a test sees whether the gateway even tried, and those a request was sent
/// on: a connection is accepted before the client hands it to a request, and one whose request gave up meanwhile
/// is kept for the next.
/// </summary>
internal sealed class HangingTcpIdp : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<TcpClient> _connections = new();
    private int _accepted;
    private int _asked;

    public HangingTcpIdp()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>Its base address, with a trailing slash.</summary>
    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Waits (bounded, never the claim) until requests have been sent on <paramref name="count"/> connections.</summary>
    public Task AskedAsync(int count) =>
        Eventually.TrueAsync(() => Volatile.Read(ref _asked) >= count, TimeSpan.FromSeconds(30), $"{count} requests to the hanging IdP");

    /// <summary>Closes every connection: the calls waiting on them fail as if the IdP went away.</summary>
    public void DropAll()
    {
        while (_connections.TryDequeue(out var connection))
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                _connections.Enqueue(connection);
                Interlocked.Increment(ref _accepted);
                _ = DrainAsync(connection);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task DrainAsync(TcpClient connection)
    {
        var buffer = new byte[4096];
        try
        {
            if (await connection.GetStream().ReadAsync(buffer, _stop.Token) > 0)
            {
                Interlocked.Increment(ref _asked);
            }

            while (await connection.GetStream().ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Dropped or stopped.
        }
    }
}
