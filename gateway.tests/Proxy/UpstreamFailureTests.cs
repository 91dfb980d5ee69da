using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bff.Tests.Support;

namespace Bff.Tests.Proxy;

/// <summary>
/// An upstream that cannot be reached, or does not answer within the cluster's <c>ActivityTimeout</c>, gets a
/// problem document like every other error of the gateway, and nothing in it names the upstream.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    // Accepts connections (the kernel does, into the backlog) and never answers a byte.
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private int _closedPort;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _silent.Start();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        _closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var settings = GatewayFactory.BaseSettings($"http://127.0.0.1:{_closedPort}/");
        settings["ReverseProxy:Routes:slow:ClusterId"] = "slow";
        settings["ReverseProxy:Routes:slow:Match:Path"] = "/slow/{**rest}";
        settings["ReverseProxy:Routes:slow:Metadata:Bff.AccessToken"] = "None";
        settings["ReverseProxy:Clusters:slow:Destinations:d1:Address"] = $"http://127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}/";
        settings["ReverseProxy:Clusters:slow:HttpRequest:ActivityTimeout"] = "00:00:00.200";
        _factory = new GatewayFactory(settings);
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _silent.Stop();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task UpstreamDown_502UpstreamUnavailable_NoUpstreamDetail(string method)
    {
        var session = await TestSessions.SeedAsync(_factory.Services, "alice");
        var request = GatewayRequest.Browser(method, "/api/data", session.Cookie);
        if (method == "POST")
        {
            // A request with a body takes the proxy's other path, the one that checks the body was read.
            var (token, antiforgeryCookie) = await FetchTokenAsync(session.Cookie);
            request = request with { Token = token, Cookies = [session.Cookie, antiforgeryCookie] };
        }

        var response = await _client.SendAsync(request.ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
        await AssertNoUpstreamDetailAsync(response, _closedPort);
    }

    [Fact]
    public async Task UpstreamSilent_504UpstreamTimeout_NoUpstreamDetail()
    {
        var response = await _client.SendAsync(GatewayRequest.Browser("GET", "/slow/data").ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
        await AssertNoUpstreamDetailAsync(response, ((IPEndPoint)_silent.LocalEndpoint).Port);
    }

    private async Task<(string Token, string Cookie)> FetchTokenAsync(string sessionCookie)
    {
        var response = await _client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", sessionCookie).ToMessage());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetString()!, response.Headers.GetValues("Set-Cookie").Single().Split(';', 2)[0]);
    }

    private static async Task AssertNoUpstreamDetailAsync(HttpResponseMessage response, int port)
    {
        var text = await response.Content.ReadAsStringAsync();
        await ProblemAssert.HasNoInternalsAsync(response);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("upstream/", text, StringComparison.Ordinal);
    }
}
