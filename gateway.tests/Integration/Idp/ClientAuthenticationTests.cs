using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Idp;

/// <summary>
/// Login, a proxied call, a refresh and logout against the dev IdP narrowed to one client authentication method, as
/// IdPs are that allow only <c>client_secret_basic</c> (Okta, Ping, Spring Authorization Server), only
/// <c>client_secret_post</c>, or only <c>private_key_jwt</c> (FAPI, Entra ID with certificates). The gateway runs with
/// <c>ClientAuthentication</c> left at <c>auto</c>: the method comes from discovery. oidc-provider refuses any other
/// method than the one registered, so every step that reached the IdP proves the gateway used it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientAuthenticationTests : IDisposable
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly string _directory = TestRun.CreateTempDirectory("client-auth");

    public ClientAuthenticationTests() =>
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

    public void Dispose() => _upstream.Stop();

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    [InlineData("private_key_jwt")]
    [InlineData("private_key_jwt_ec")]
    public async Task LoginProxyRefreshLogout_WorkWithTheOneMethodTheIdpAllows(string method)
    {
        var environment = new Dictionary<string, string> { ["IDP_CLIENT_AUTH_METHODS"] = method.Replace("_ec", "", StringComparison.Ordinal) };
        string? keyPath = null;
        if (method.StartsWith("private_key_jwt", StringComparison.Ordinal))
        {
            (keyPath, environment["IDP_CLIENT_JWKS_FILE"]) = WriteClientKey(ec: method.EndsWith("_ec", StringComparison.Ordinal));
        }

        var shared = await SharedServers.GetAsync();
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions { AccessTokenLifetime = TimeSpan.FromSeconds(3), ExtraEnvironment = environment });
        var config = GatewayConfig.Create(idp, shared.Redis, new Uri(_upstream.Url + "/"));
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:00:01";
        config["Bff:ClientAssertion:KeyPath"] = keyPath;
        await using var gateway = await GatewayProcess.StartAsync(config);

        using var browser = gateway.CreateBrowser();
        using (var login = await browser.LoginAsync("alice", "alice"))
        {
            login.EnsureSuccess();
        }

        Assert.True(idp.Output.Contains("pushed_authorization_request.success"), "the login should have pushed its request:\n" + idp.Output.Tail(20));
        var first = await ForwardedBearerAsync(browser, "/api/first");

        // Into the refresh window: the next call refreshes.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var second = await ForwardedBearerAsync(browser, "/api/second");
        Assert.NotEqual(first, second);
        Assert.True(idp.Output.Contains("grant.success: refresh_token"), "the IdP should have seen one refresh:\n" + idp.Output.Tail(20));

        using var logout = await browser.PostAsync("/bff/logout", null, await OidcGatewayHost.UnsafeHeadersAsync(browser));
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        // Revoking the refresh token revokes its grant at oidc-provider.
        await idp.Output.WaitForAsync("grant.revoked", TimeSpan.FromSeconds(10));
        using var user = await browser.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, user.StatusCode);
        Assert.False(idp.Output.Contains("invalid_client"), "the IdP refused the client's authentication:\n" + idp.Output.Tail(20));
    }

    private async Task<string> ForwardedBearerAsync(TestBrowser browser, string path)
    {
        using var response = await browser.GetAsync(path, Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = _upstream.LogEntries.Last(e => e.RequestMessage.Path == path).RequestMessage;
        return Assert.Single(entry.Headers!["Authorization"]);
    }

    /// <summary>A private key for the gateway (PEM) and its public half for the IdP (JWKS, kid = RFC 7638 thumbprint).</summary>
    private (string KeyPath, string JwksPath) WriteClientKey(bool ec)
    {
        AsymmetricAlgorithm key = ec ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        SecurityKey publicKey = key switch
        {
            RSA rsa => new RsaSecurityKey(rsa.ExportParameters(false)),
            ECDsa ecdsa => new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(false))),
            _ => throw new InvalidOperationException(),
        };
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(publicKey);
        var entry = new Dictionary<string, string> { ["kty"] = jwk.Kty, ["kid"] = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), ["use"] = "sig" };
        if (ec)
        {
            (entry["crv"], entry["x"], entry["y"]) = (jwk.Crv, jwk.X, jwk.Y);
        }
        else
        {
            (entry["n"], entry["e"]) = (jwk.N, jwk.E);
        }

        var keyPath = Path.Combine(_directory, ec ? "client-ec.pem" : "client-rsa.pem");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        var jwksPath = Path.Combine(_directory, ec ? "client-ec.jwks" : "client-rsa.jwks");
        File.WriteAllText(jwksPath, JsonSerializer.Serialize(new { keys = new[] { entry } }));
        key.Dispose();
        return (keyPath, jwksPath);
    }
}
