using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// Just enough RESP to tell whether our Redis answers, without a ConnectionMultiplexer whose
/// background reconnects would outlive the check.
/// </summary>
internal static class RedisProbe
{
    /// <summary>The reply's text (simple string or bulk string), or null when nothing answered.</summary>
    public static async Task<string?> TryCommandAsync(int port, TimeSpan timeout, params string[] command)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);

            var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
            foreach (var part in command)
            {
                request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToString()), SocketFlags.None, cts.Token);

            var received = new List<byte>();
            var buffer = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return null;
                }

                received.AddRange(buffer.AsSpan(0, n));
                var reply = TryParse(received);
                if (reply is not null)
                {
                    return reply;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    private static string? TryParse(List<byte> data)
    {
        var text = Encoding.UTF8.GetString([.. data]);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (lineEnd < 0)
        {
            return null;
        }

        var header = text[..lineEnd];
        if (header.Length == 0 || header[0] != '$')
        {
            // +simple, -error, :integer
            return header;
        }

        var length = int.Parse(header[1..], CultureInfo.InvariantCulture);
        if (length < 0)
        {
            return string.Empty;
        }

        var bodyStart = lineEnd + 2;
        var bytesBeforeBody = Encoding.UTF8.GetByteCount(text[..bodyStart]);
        return data.Count >= bytesBeforeBody + length + 2
            ? Encoding.UTF8.GetString([.. data.Skip(bytesBeforeBody).Take(length)])
            : null;
    }
}
