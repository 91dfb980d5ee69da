using System.Net;
using System.Net.Sockets;

namespace Bff.RateLimiting;

/// <summary>The key of the per-address limit: the connection's address, as the trusted forwarded headers left it.</summary>
internal static class ClientAddress
{
    /// <summary>The key of connections without an IP address (a Unix socket behind a proxy that is not trusted).</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// An IPv4 address as it is (an IPv4-mapped IPv6 one too); an IPv6 address by its /64 network, which one host
    /// typically has to itself: counting its single addresses would give every host 2^64 buckets.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
