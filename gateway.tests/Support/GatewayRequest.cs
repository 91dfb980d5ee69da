using System.Net.Http.Headers;
using System.Text;

namespace Bff.Tests.Support;

/// <summary>
/// A request as the SPA sends it (same origin, X-CSRF, token), which a test then spoils one way at a
/// time with <c>with</c>.
/// </summary>
internal sealed record GatewayRequest(HttpMethod Method, string Path)
{
    /// <summary>The origin the in-process test server sees itself at.</summary>
    public const string SameOrigin = "http://localhost";

    public IReadOnlyList<string> Cookies { get; init; } = [];

    public bool Csrf { get; init; } = true;

    public string? Token { get; init; }

    public string? Origin { get; init; }

    public string? FetchSite { get; init; }

    public string? JsonBody { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    public static GatewayRequest Browser(string method, string path, params string[] cookies) =>
        new(new HttpMethod(method), path)
        {
            Cookies = cookies,
            Origin = SameOrigin,
            FetchSite = "same-origin",
            JsonBody = method is "POST" or "PUT" or "PATCH" ? "{\"n\":1}" : null,
        };

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Csrf)
        {
            message.Headers.Add("X-CSRF", "1");
        }

        if (Token is not null)
        {
            message.Headers.Add("X-XSRF-TOKEN", Token);
        }

        if (Cookies.Count > 0)
        {
            message.Headers.Add("Cookie", string.Join("; ", Cookies));
        }

        if (Origin is not null)
        {
            message.Headers.Add("Origin", Origin);
        }

        if (FetchSite is not null)
        {
            message.Headers.Add("Sec-Fetch-Site", FetchSite);
            message.Headers.Add("Sec-Fetch-Mode", "cors");
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (JsonBody is not null)
        {
            message.Content = new StringContent(JsonBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return message;
    }
}
