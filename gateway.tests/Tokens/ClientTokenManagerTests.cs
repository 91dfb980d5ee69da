using Bff.Configuration;
using Bff.Idp;
using Bff.Routes;
using Bff.Telemetry;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Tokens;

public sealed class ClientTokenManagerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeOidcProvider _idp = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ClientTokenManager _manager;

    public ClientTokenManagerTests()
    {
        var options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
        var metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var client = TestIdpTokenClient.Create(_idp, options, metrics, _time);
        _manager = new ClientTokenManager(new LocalTokenCache(), client, new InProcessRefreshLock(), new RefreshWaiters(), options, metrics, _time,
            NullLogger<ClientTokenManager>.Instance);
    }

    public void Dispose()
    {
        _idp.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task GetAsync_Concurrent_OneClientCredentialsGrant()
    {
        _idp.RespondTokens("cc-1", refreshToken: null, expiresIn: 300, delay: TimeSpan.FromMilliseconds(200));

        var tokens = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _manager.GetAsync(default).AsTask()));

        Assert.All(tokens, t => Assert.Equal("cc-1", t));
        var body = Assert.Single(_idp.TokenRequests);
        Assert.Contains("grant_type=client_credentials", body, StringComparison.Ordinal);
        Assert.Contains("client_id=bff", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_NearExpiry_Renewed()
    {
        _idp.RespondTokens("cc-1", refreshToken: null, expiresIn: 120);
        Assert.Equal("cc-1", await _manager.GetAsync(default));

        _idp.RespondTokens("cc-2", refreshToken: null, expiresIn: 120);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("cc-1", await _manager.GetAsync(default));

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal("cc-2", await _manager.GetAsync(default));
    }

    [Fact]
    public async Task GetAsync_IdpDown_ValidTokenKept_ExpiredGivesNull()
    {
        _idp.RespondTokens("cc-1", refreshToken: null, expiresIn: 120);
        Assert.Equal("cc-1", await _manager.GetAsync(default));
        _idp.RespondTokenError(503);

        _time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal("cc-1", await _manager.GetAsync(default));

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(await _manager.GetAsync(default));
    }

    [Fact]
    public async Task GetAsync_PerAudience_OneGrantEach_NamingResourceAndScope_Cached()
    {
        var orders = TokenAudience.Of("https://orders.example", "orders:read");
        RespondFor("resource=" + Uri.EscapeDataString("https://orders.example"), "cc-orders");
        _idp.RespondTokens("cc-own", refreshToken: null, expiresIn: 300);

        Assert.Equal("cc-orders", (await _manager.GetAsync(orders, default)).Token?.AccessToken);
        Assert.Equal("cc-own", await _manager.GetAsync(default));
        Assert.Equal("cc-orders", (await _manager.GetAsync(TokenAudience.Of("https://orders.example", "orders:read"), default)).Token?.AccessToken);

        Assert.Equal(2, _idp.TokenRequests.Count);
        var ordersGrant = _idp.TokenRequests.Single(b => b.Contains("resource=", StringComparison.Ordinal));
        Assert.Contains("scope=orders%3Aread", ordersGrant, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_IdpRefusesTheAudience_TheRefusalIsSaid()
    {
        _idp.RespondTokenError(400, "invalid_target");

        var result = await _manager.GetAsync(TokenAudience.Of("https://nope.example", null), default);

        Assert.Null(result.Token?.AccessToken);
        Assert.Equal("invalid_target", result.Error);
    }

    private void RespondFor(string match, string accessToken) =>
        _idp.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/token").UsingPost()
                .WithBody(new WireMock.Matchers.WildcardMatcher("*" + match + "*"))).AtPriority(-10)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"{{accessToken}}","token_type":"Bearer","expires_in":300}"""));
}
