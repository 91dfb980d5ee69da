using System.Buffers;
using System.Globalization;
using System.Text;

namespace Bff.Endpoints;

/// <summary>
/// Accepts only local paths as a post-login destination, so /bff/login cannot be turned into an open
/// redirect. Every decoding of the value must pass, which catches encoded variants such as %2F%2F.
/// The accepted path comes out with its non-ASCII characters percent-encoded: it ends up in the Location
/// header of the callback's redirect, and a server refuses to write a header value that is not ASCII.
/// </summary>
internal static class ReturnUrl
{
    private const int MaxLength = 2048;
    private const int MaxDecodingRounds = 3;

    public static bool TryValidate(string? value, out string path)
    {
        path = "/";
        if (value is null)
        {
            return true;
        }

        if (value.Length is 0 or > MaxLength)
        {
            return false;
        }

        var current = value;
        for (var round = 0; round <= MaxDecodingRounds; round++)
        {
            if (!IsLocalPath(current))
            {
                return false;
            }

            var decoded = Uri.UnescapeDataString(current);
            if (decoded == current)
            {
                return TryEscapeNonAscii(value, out path);
            }

            current = decoded;
        }

        // Still changing after several decodings: nobody legitimate nests encodings this deep.
        return false;
    }

    // Only non-ASCII characters are encoded (as their UTF-8 bytes, the way browsers encode them), so a path
    // that was percent-encoded already goes out exactly as it came and no escape is encoded twice.
    private static bool TryEscapeNonAscii(string value, out string escaped)
    {
        escaped = value;
        if (Ascii.IsValid(value))
        {
            return true;
        }

        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            // A lone surrogate is not text and has no UTF-8 form.
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                escaped = "/";
                return false;
            }

            if (rune.IsAscii)
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                foreach (var b in utf8[..rune.EncodeToUtf8(utf8)])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            rest = rest[consumed..];
        }

        escaped = builder.ToString();
        return true;
    }

    private static bool IsLocalPath(string value)
    {
        if (value.Length == 0 || value[0] != '/')
        {
            return false;
        }

        if (value.Length > 1 && (value[1] == '/' || value[1] == '\\'))
        {
            return false;
        }

        // Browsers drop tabs and newlines from URLs, so "/\t/evil" would become "//evil".
        foreach (var c in value)
        {
            if (c == '\\' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
