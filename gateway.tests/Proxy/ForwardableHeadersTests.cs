using Bff.Proxy;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Proxy;

[Collection(InProcessHostCollection.Name)]
public sealed class ForwardableHeadersTests(KestrelGatewayFixture kestrel) : IClassFixture<KestrelGatewayFixture>
{
    [Theory]
    [InlineData("X-Name: café")]
    [InlineData("X-Name: ☃")]
    [InlineData("Cookie: theme=bleu-clair-é")]
    public async Task NonAsciiHeaderValue_OnAProxiedRoute_400ProblemAndTheUpstreamReceivesNothing(string header)
    {
        kestrel.Upstream.ResetLogEntries();

        var response = await RawHttpResponse.SendAsync(kestrel.Port,
            $"GET /open/data HTTP/1.1\nHost: 127.0.0.1:{kestrel.Port}\nX-CSRF: 1\n{header}\nConnection: close\n");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.Headers["Content-Type"]);
        Assert.Contains("\"code\":\"bad_request\"", response.Body, StringComparison.Ordinal);
        Assert.Empty(kestrel.Upstream.LogEntries);
    }

    [Fact]
    public async Task AsciiHeaders_AreForwarded()
    {
        kestrel.Upstream.ResetLogEntries();

        var response = await RawHttpResponse.SendAsync(kestrel.Port,
            $"GET /open/data HTTP/1.1\nHost: 127.0.0.1:{kestrel.Port}\nX-CSRF: 1\nX-Name: cafe\nConnection: close\n");

        Assert.Equal(200, response.Status);
        Assert.Single(kestrel.Upstream.LogEntries);
    }

    [Fact]
    public void AreAscii_Table()
    {
        Assert.True(ForwardableHeaders.AreAscii(new HeaderDictionary { ["A"] = "plain", ["B"] = new(["x", "y"]) }));
        Assert.False(ForwardableHeaders.AreAscii(new HeaderDictionary { ["A"] = "plain", ["B"] = new(["x", "ÿ"]) }));
    }
}
