using System.Net;
using System.Net.Sockets;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for the servers the tests start.</summary>
public static class FreePort
{
    // Below the kernel's ephemeral range (32768+), so the port cannot be taken in the meantime as
    // the local end of some outgoing connection, which asking the kernel for port 0 would risk.
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// A port nothing listens on right now and that this process has not handed out before, so
    /// two fixtures of the same run never race for one port. Another process may still take it
    /// before the server binds; the fixtures retry with a new port when that happens.
    /// </summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (HandedOut.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free port found between {First} and {Last} on 127.0.0.1.");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
