using System.Net;
using System.Net.Sockets;

namespace Bff.Security;

/// <summary>
/// The network a client address belongs to: its /24 for IPv4, its /64 for IPv6. A home router or a phone moves
/// within one of those, so a device stays known while its own address changes.
/// </summary>
internal static class ClientNetwork
{
    public const string Unknown = "unknown";

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            bytes[3] = 0;
            return new IPAddress(bytes[..4]).ToString() + "/24";
        }

        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
