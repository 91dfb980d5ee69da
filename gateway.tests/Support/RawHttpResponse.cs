using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bff.Tests.Support;

/// <summary>
/// An HTTP/1.1 exchange over a bare socket, for requests HttpClient will not send as written (a declared
/// body that never comes) and for reading exactly what Kestrel answers.
/// </summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static async Task<RawHttpResponse> SendAsync(int port, string head, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ReplaceLineEndings("\r\n") + "\r\n"));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (!TryParse(received.ToArray(), out _))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return TryParse(received.ToArray(), out var response)
            ? response!
            : throw new InvalidOperationException("Incomplete response: " + Encoding.ASCII.GetString(received.ToArray()));
    }

    private static bool TryParse(byte[] data, out RawHttpResponse? response)
    {
        response = null;
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var lines = text[..end].Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = text[(end + 4)..];
        var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (Encoding.UTF8.GetByteCount(body) < length)
        {
            return false;
        }

        response = new RawHttpResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
        return true;
    }
}
