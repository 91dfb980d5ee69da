namespace Bff.Endpoints;

/// <summary>
/// Accepts only local paths as a post-login destination, so /bff/login cannot be turned into an open
/// redirect. Every decoding of the value must pass, which catches encoded variants such as %2F%2F.
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
                path = value;
                return true;
            }

            current = decoded;
        }

        // Still changing after several decodings: nobody legitimate nests encodings this deep.
        return false;
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
