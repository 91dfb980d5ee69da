using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Integration.InfrastructureTests;

/// <summary>
/// The second IdP's own promises (infra/openiddict-idp), which the gateway's tests lean on: discovery, the
/// client's authentication methods (a secret either way, or private_key_jwt with the configured key), the loopback
/// callbacks on any port and nothing else, and a bad setting named at start.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OpenIddictIdpTests(KeyedOpenIddictIdp fixture) : IClassFixture<KeyedOpenIddictIdp>
{
    private const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private OpenIddictIdp Idp => fixture.Idp;

    [Fact]
    public async Task Discovery_OffersParAndEveryClientAuthenticationMethod()
    {
        using var discovery = JsonDocument.Parse(await Http.GetStringAsync(Idp.DiscoveryUri));
        var root = discovery.RootElement;

        Assert.Equal(Idp.Issuer, root.GetProperty("issuer").GetString());
        Assert.Contains("IdP listening on " + Idp.Issuer, Idp.Output.ToString(), StringComparison.Ordinal);
        Assert.Equal(Idp.Issuer + "connect/par", root.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.Equal(["S256"], Strings(root, "code_challenge_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "private_key_jwt"], Strings(root, "token_endpoint_auth_methods_supported").Order());
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("post")]
    public async Task ClientSecret_IsTakenEitherWay_AndAWrongOneIsRefused(string method)
    {
        using var right = await ClientCredentialsAsync(SecretForm(method, Idp.ClientSecret), method == "basic" ? Idp.ClientSecret : null);
        using var wrong = await ClientCredentialsAsync(SecretForm(method, "wrong"), method == "basic" ? "wrong" : null);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("invalid_client", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateKeyJwt_AnAssertionSignedWithTheConfiguredKeyGetsATokenAndAnotherKeysDoesNot()
    {
        using var other = RSA.Create(2048);

        using var signed = await ClientCredentialsAsync(AssertionForm(Assertion(new RsaSecurityKey(fixture.ClientKey))));
        using var forged = await ClientCredentialsAsync(AssertionForm(Assertion(new RsaSecurityKey(other))));

        var body = await signed.Content.ReadAsStringAsync();
        Assert.True(signed.StatusCode == HttpStatusCode.OK, body + "\n" + Idp.Output.Tail(10));
        using var token = JsonDocument.Parse(body);
        var accessToken = new JsonWebToken(token.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(Idp.ClientId, accessToken.Subject);
        Assert.Equal(Idp.Issuer, accessToken.Issuer);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    /// <summary>
    /// OpenIddict 7 follows draft-ietf-oauth-rfc7523bis, not OpenID Connect Core §9: the assertion must be typed
    /// <c>client-authentication+jwt</c> and name the issuer as its audience. A client that sends the Core shape
    /// (the token endpoint as <c>aud</c>, <c>typ</c> JWT) is refused, which is what a gateway option has to meet.
    /// </summary>
    [Theory]
    [InlineData("client-authentication+jwt", "token_endpoint", HttpStatusCode.BadRequest)]
    [InlineData("JWT", "issuer", HttpStatusCode.Unauthorized)]
    public async Task PrivateKeyJwt_TheOpenIdConnectCoreShapeIsRefused(string type, string audience, HttpStatusCode expected)
    {
        var assertion = Assertion(new RsaSecurityKey(fixture.ClientKey), type, audience == "issuer" ? Idp.Issuer : Idp.TokenEndpoint.ToString());

        using var response = await ClientCredentialsAsync(AssertionForm(assertion));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task PrivateKeyJwt_TakesAnEcKeyFromAPemCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=bff", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var directory = TestRun.CreateTempDirectory("openiddict-cert");
        try
        {
            var path = Path.Combine(directory, "client.crt.pem");
            await File.WriteAllTextAsync(path, certificate.ExportCertificatePem());
            await using var idp = await OpenIddictIdp.StartAsync(new OpenIddictIdpOptions { ClientPublicKeyPath = path });

            using var response = await Http.PostAsync(idp.TokenEndpoint, new FormUrlEncodedContent(
                AssertionForm(Assertion(new ECDsaSecurityKey(key), audience: idp.Issuer, algorithm: SecurityAlgorithms.EcdsaSha256))));

            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        finally
        {
            TestRun.TryDeleteDirectory(directory);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/signin-oidc", true)]
    [InlineData("http://127.0.0.1:5080/signin-oidc", true)]
    [InlineData("http://localhost:{port}/signin-oidc", false)]
    [InlineData("https://127.0.0.1:{port}/signin-oidc", false)]
    [InlineData("http://127.0.0.1:{port}/signin-oidc?next=/", false)]
    [InlineData("http://127.0.0.1:{port}/elsewhere", false)]
    [InlineData("http://127.0.0.1:{port}/signout-callback-oidc", false)]
    public async Task RedirectUri_AnyLoopbackPortForTheSignInCallbackOnly(string template, bool allowed)
    {
        var redirectUri = template.Replace("{port}", FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await Http.GetAsync(Idp.Issuer + "connect/authorize?client_id=" + Idp.ClientId
            + "&response_type=code&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
            + "&redirect_uri=" + Uri.EscapeDataString(redirectUri));

        // Allowed: on to the login page. Refused: OpenIddict answers the error itself, never redirecting to that URI.
        Assert.Equal(allowed ? HttpStatusCode.Found : HttpStatusCode.BadRequest, response.StatusCode);
        if (allowed)
        {
            Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/signout-callback-oidc", true)]
    [InlineData("http://localhost:{port}/signout-callback-oidc", false)]
    [InlineData("http://127.0.0.1:{port}/signin-oidc", false)]
    public async Task PostLogoutRedirectUri_AnyLoopbackPortForTheSignOutCallbackOnly(string template, bool allowed)
    {
        var uri = template.Replace("{port}", FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await Http.GetAsync(Idp.Issuer + "connect/endsession?client_id=" + Idp.ClientId
            + "&state=s1&post_logout_redirect_uri=" + Uri.EscapeDataString(uri));

        Assert.Equal(allowed ? HttpStatusCode.Redirect : HttpStatusCode.BadRequest, response.StatusCode);
        if (allowed)
        {
            Assert.Equal(uri + "?state=s1", response.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task BadSetting_StopsTheStartWithExitCode2NamingTheVariable()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenIddictIdp.StartAsync(new OpenIddictIdpOptions
        {
            ExtraEnvironment = { ["OIDDICT_ACCESS_TOKEN_TTL"] = "soon" },
        }));

        Assert.Contains("exit code 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("OIDDICT_ACCESS_TOKEN_TTL must be a whole number", failure.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> ClientCredentialsAsync(Dictionary<string, string> form, string? basicSecret = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Idp.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        if (basicSecret is not null)
        {
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Idp.ClientId + ":" + basicSecret)));
        }

        return await Http.SendAsync(request);
    }

    private Dictionary<string, string> SecretForm(string method, string secret) => method == "basic"
        ? new() { ["grant_type"] = "client_credentials" }
        : new() { ["grant_type"] = "client_credentials", ["client_id"] = Idp.ClientId, ["client_secret"] = secret };

    private static Dictionary<string, string> AssertionForm(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = JwtBearerAssertion,
        ["client_assertion"] = assertion,
    };

    // RFC 7523 as OpenIddict 7 takes it: iss and sub the client, aud the issuer, typed, a fresh jti, short-lived.
    private string Assertion(SecurityKey key, string type = "client-authentication+jwt", string? audience = null, string algorithm = SecurityAlgorithms.RsaSha256) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Idp.ClientId,
            Audience = audience ?? Idp.Issuer,
            TokenType = type,
            Claims = new Dictionary<string, object> { ["sub"] = Idp.ClientId, ["jti"] = Guid.NewGuid().ToString("N") },
            Expires = DateTime.UtcNow.AddMinutes(1),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    private static string[] Strings(JsonElement root, string property) =>
        [.. root.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
