using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Testing;

/// <summary>The kit's token issuer, spoken to as the gateway speaks to it: authorize, code exchange, refresh, client credentials.</summary>
public sealed class TestTokenIssuerTests : IDisposable
{
    private readonly FakeOidcProvider _provider = new();
    private readonly TestTokenIssuer _issuer;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    public TestTokenIssuerTests() => _issuer = _provider.IssueTokens();

    public void Dispose()
    {
        _http.Dispose();
        _provider.Dispose();
    }

    [Fact]
    public async Task CodeExchange_IssuesTheUsersTokensWithTheNonceTheChosenAudienceAndTheAskingClient()
    {
        _issuer.DefaultAudience = "https://orders.example";
        var tokens = await LoginAsync("alice", [new Claim("role", "admin"), new Claim("role", "ops")]);

        var access = ReceivedToken.FromAuthorizationHeader("Bearer " + tokens.GetProperty("access_token").GetString())!;
        Assert.Equal(["https://orders.example"], access.Audiences);
        Assert.Equal("alice", access.Subject);
        Assert.Equal(["admin", "ops"], access.Values("role"));
        Assert.Equal(["openid", "orders"], access.Scopes);
        var id = ReceivedToken.FromAuthorizationHeader("Bearer " + tokens.GetProperty("id_token").GetString())!;
        Assert.Equal("n-1", id.Value("nonce"));
        Assert.Equal(["shop-web"], id.Audiences);
        Assert.Equal("shop-web", access.Value("client_id"));
    }

    [Fact]
    public async Task Refresh_WithAResource_TokenForThatAudienceAndTheRefreshTokenRotated()
    {
        var tokens = await LoginAsync("alice");
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var refreshed = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["resource"] = "https://catalog.example", ["scope"] = "catalog.read" });

        var access = ReceivedToken.FromAuthorizationHeader("Bearer " + refreshed.GetProperty("access_token").GetString())!;
        Assert.Equal(["https://catalog.example"], access.Audiences);
        Assert.Equal(["catalog.read"], access.Scopes);
        Assert.NotEqual(refreshToken, refreshed.GetProperty("refresh_token").GetString());
        using var reused = await PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Theory]
    [InlineData(RefreshFailure.InvalidGrant, HttpStatusCode.BadRequest)]
    [InlineData(RefreshFailure.Outage, HttpStatusCode.ServiceUnavailable)]
    public async Task Refresh_FailureSet_AnswersIt(RefreshFailure failure, HttpStatusCode expected)
    {
        var tokens = await LoginAsync("alice");
        _issuer.RefreshFailure = failure;

        using var response = await PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString() });

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(1, _issuer.RefreshCount);
    }

    [Fact]
    public async Task Authorize_LoginNotBegun_400()
    {
        using var response = await _http.GetAsync(_provider.AuthorizationEndpoint + "?redirect_uri=https%3A%2F%2Flocalhost%2Fsignin-oidc&state=s");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonElement> LoginAsync(string subject, Claim[]? claims = null)
    {
        var login = _issuer.BeginLogin(subject, claims);
        var authorize = QueryHelpers.AddQueryString(_provider.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["redirect_uri"] = "https://localhost/signin-oidc", ["state"] = "s-1", ["nonce"] = "n-1", ["scope"] = "openid orders", ["client_id"] = "shop-web",
            [TestTokenIssuer.LoginParameter] = login,
        });
        using var redirect = await _http.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var query = QueryHelpers.ParseQuery(redirect.Headers.Location!.Query);
        Assert.Equal("s-1", query["state"]);
        return await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = query["code"] });
    }

    private async Task<JsonElement> TokenAsync(Dictionary<string, string?> form)
    {
        using var response = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<HttpResponseMessage> PostTokenAsync(Dictionary<string, string?> form) =>
        _http.PostAsync(_provider.TokenEndpoint, new FormUrlEncodedContent(form));
}
