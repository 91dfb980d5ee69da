using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;

namespace Bff.Testing;

/// <summary>
/// A bearer token as an upstream received it, decoded (not verified: the upstream's own JwtBearer does that):
/// its audience, scopes and claims. For a WireMock upstream, <see cref="UpstreamRequest.Bearer"/>; in a real API,
/// <see cref="FromAuthorizationHeader"/> on the request's <c>Authorization</c> header.
/// </summary>
public sealed class ReceivedToken
{
    private ReceivedToken(string raw, JsonElement payload)
    {
        Raw = raw;
        Claims = [.. payload.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Array
            ? p.Value.EnumerateArray().Select(v => new Claim(p.Name, Text(v)))
            : [new Claim(p.Name, Text(p.Value))])];
    }

    /// <summary>The token as sent.</summary>
    public string Raw { get; }

    /// <summary>Every claim of the payload; an array claim gives one <see cref="Claim"/> per value.</summary>
    public IReadOnlyList<Claim> Claims { get; }

    /// <summary>The <c>sub</c> claim.</summary>
    public string? Subject => Value("sub");

    /// <summary>The <c>aud</c> claim's values.</summary>
    public IReadOnlyList<string> Audiences => Values("aud");

    /// <summary>The <c>scope</c> claim, split on spaces.</summary>
    public IReadOnlyList<string> Scopes => [.. Values("scope").SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>The first value of claim <paramref name="type"/>, or null.</summary>
    public string? Value(string type) => Claims.FirstOrDefault(c => c.Type == type)?.Value;

    /// <summary>Every value of claim <paramref name="type"/>.</summary>
    public IReadOnlyList<string> Values(string type) => [.. Claims.Where(c => c.Type == type).Select(c => c.Value)];

    /// <summary>The token of an <c>Authorization: Bearer</c> header; null when the header is absent, of another scheme, or not a JWT.</summary>
    /// <param name="authorization">The header's value.</param>
    public static ReceivedToken? FromAuthorizationHeader(string? authorization)
    {
        const string prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var raw = authorization[prefix.Length..].Trim();
        var parts = raw.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return new ReceivedToken(raw, payload.RootElement.Clone());
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
