namespace Bff.Tests.Support;

/// <summary>An <see cref="IHttpClientFactory"/> that hands out one plain client, for tests without DI.</summary>
internal sealed class SingleClientFactory(HttpClient? client = null) : IHttpClientFactory
{
    private readonly HttpClient _client = client ?? new HttpClient();

    public HttpClient CreateClient(string name) => _client;
}
