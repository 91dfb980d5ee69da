using System.Net;
using System.Text;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Proxy;

/// <summary>
/// Routes with a token for their own API (<c>Bff.AccessToken.Resource</c>), <c>UserOrClient</c>, and an upstream
/// that answers 401: through the stock host, with the fake IdP.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class ResourceTokenRoutesTests : IAsyncLifetime
{
    private const string OrdersApi = "https://orders.example";
    private const string RefusedApi = "https://refused.example";

    private readonly FakeOidcProvider _idp = new();
    private WireMockServer _upstream = null!;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"ok\":true}"));
        _upstream.Given(Request.Create().WithPath("/post/unauthorized").UsingAnyMethod()).AtPriority(-10)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").WithBody("{\"upstream\":\"no\"}"));

        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        settings["Bff:Authority"] = _idp.Issuer;
        settings["ReverseProxy:Routes:orders:ClusterId"] = "api";
        settings["ReverseProxy:Routes:orders:Match:Path"] = "/orders/{**rest}";
        settings["ReverseProxy:Routes:orders:Metadata:Bff.AccessToken.Resource"] = OrdersApi;
        settings["ReverseProxy:Routes:refused:ClusterId"] = "api";
        settings["ReverseProxy:Routes:refused:Match:Path"] = "/refused/{**rest}";
        settings["ReverseProxy:Routes:refused:Metadata:Bff.AccessToken.Resource"] = RefusedApi;
        // Unsafe methods need only X-CSRF here (no antiforgery token), as on a webhook-style route.
        settings["ReverseProxy:Routes:post:ClusterId"] = "api";
        settings["ReverseProxy:Routes:post:Match:Path"] = "/post/{**rest}";
        settings["ReverseProxy:Routes:post:Metadata:Bff.Antiforgery"] = "false";
        settings["ReverseProxy:Routes:either:ClusterId"] = "api";
        settings["ReverseProxy:Routes:either:Match:Path"] = "/either/{**rest}";
        settings["ReverseProxy:Routes:either:Metadata:Bff.AccessToken"] = "UserOrClient";
        _factory = new GatewayFactory(settings);
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        RespondFor("resource=" + Uri.EscapeDataString(OrdersApi), 200, """{"access_token":"at-orders","token_type":"Bearer","expires_in":300,"refresh_token":"rt-2"}""");
        RespondFor("resource=" + Uri.EscapeDataString(RefusedApi), 400, """{"error":"invalid_target"}""");
        RespondFor("grant_type=client_credentials", 200, """{"access_token":"at-client","token_type":"Bearer","expires_in":300}""");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _upstream.Stop();
        _idp.Dispose();
    }

    private void RespondFor(string match, int status, string body) =>
        _idp.Server.Given(Request.Create().WithPath("/token").UsingPost().WithBody(new WildcardMatcher("*" + match + "*"))).AtPriority(-10)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private static HttpRequestMessage Send(HttpMethod method, string path, string? cookie, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-CSRF", "1");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private string? UpstreamBearer(string path) =>
        _upstream.LogEntries.Last(e => e.RequestMessage.Path == path).RequestMessage.Headers!.TryGetValue("Authorization", out var value) ? value.Single() : null;

    [Fact]
    public async Task ResourceRoute_UpstreamGetsTheApisToken_OtherRoutesTheSessionsOwn()
    {
        var session = await TestSessions.SeedAsync(_factory.Services, "alice");

        using var orders = await _client.SendAsync(Send(HttpMethod.Get, "/orders/1", session.Cookie));
        using var api = await _client.SendAsync(Send(HttpMethod.Get, "/api/1", session.Cookie));

        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("Bearer at-orders", UpstreamBearer("/orders/1"));
        Assert.Equal("Bearer access-alice", UpstreamBearer("/api/1"));
        Assert.Contains("refresh_token=refresh-alice", Assert.Single(_idp.TokenRequests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceRoute_IdpRefusesTheApi_403Forbidden_UpstreamUntouched_SessionStays()
    {
        var session = await TestSessions.SeedAsync(_factory.Services, "alice");

        using var refused = await _client.SendAsync(Send(HttpMethod.Get, "/refused/1", session.Cookie));

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("invalid_target", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_upstream.LogEntries);
        using var after = await _client.SendAsync(Send(HttpMethod.Get, "/api/1", session.Cookie));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task UserOrClient_WithSession_UsersToken_WithoutOne_ClientCredentials()
    {
        var session = await TestSessions.SeedAsync(_factory.Services, "alice");

        using var user = await _client.SendAsync(Send(HttpMethod.Get, "/either/user", session.Cookie));
        using var anonymous = await _client.SendAsync(Send(HttpMethod.Get, "/either/anonymous", null));

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("Bearer access-alice", UpstreamBearer("/either/user"));
        Assert.Equal("Bearer at-client", UpstreamBearer("/either/anonymous"));
    }

    [Fact]
    public async Task Upstream401ToAFreshToken_PassedOnUnchanged_NotRetried_SessionStays()
    {
        var session = await TestSessions.SeedAsync(_factory.Services, "alice");

        using var response = await _client.SendAsync(Send(HttpMethod.Post, "/post/unauthorized", session.Cookie, """{"order":1}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"upstream\":\"no\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Single(_upstream.LogEntries);
        Assert.Empty(_idp.TokenRequests);
        using var after = await _client.SendAsync(Send(HttpMethod.Get, "/api/1", session.Cookie));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
