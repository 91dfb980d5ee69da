using WireMock.Logging;

namespace Bff.Testing;

/// <summary>
/// A request as a WireMock upstream received it from the gateway, with what the gateway guards decoded: the
/// bearer token it injected, the browser credentials it must strip, the forwarded headers it adds.
/// </summary>
public sealed class UpstreamRequest
{
    // What a browser sends the gateway and an upstream must never see.
    private static readonly string[] BrowserCredentialHeaders = ["Cookie", "X-CSRF", "X-XSRF-TOKEN"];

    internal UpstreamRequest(ILogEntry entry)
    {
        var message = entry.RequestMessage;
        Method = message.Method;
        Path = message.Path;
        Query = new Uri(message.Url).Query;
        Body = message.Body;
        Headers = (message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        Bearer = ReceivedToken.FromAuthorizationHeader(Header("Authorization"));
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path, as the upstream received it.</summary>
    public string Path { get; }

    /// <summary>The query string, with its <c>?</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>The body as text, if any.</summary>
    public string? Body { get; }

    /// <summary>Every header received, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, string[]> Headers { get; }

    /// <summary>The bearer token received, decoded; null when none came (an anonymous route, or a gateway that forgot it).</summary>
    public ReceivedToken? Bearer { get; }

    /// <summary>
    /// The browser credentials that reached the upstream: any of <c>Cookie</c>, <c>X-CSRF</c> and
    /// <c>X-XSRF-TOKEN</c> that arrived. Empty when the gateway stripped them, as it must.
    /// </summary>
    public IReadOnlyList<string> BrowserCredentials => [.. BrowserCredentialHeaders.Where(Headers.ContainsKey)];

    /// <summary>The forwarding headers received (<c>Forwarded</c> and <c>X-Forwarded-*</c>), by name.</summary>
    public IReadOnlyDictionary<string, string> ForwardedHeaders =>
        Headers.Where(h => h.Key.Equals("Forwarded", StringComparison.OrdinalIgnoreCase) || h.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>The values of header <paramref name="name"/> joined with commas, or null when it did not arrive.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;
}
