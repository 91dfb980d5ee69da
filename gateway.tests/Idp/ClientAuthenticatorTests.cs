using Bff.Configuration;
using Bff.Idp;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Idp;

public sealed class ClientAuthenticatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly string _directory = Directory.CreateTempSubdirectory("client-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IdpEndpoints Endpoints(string[] methods, string[]? algorithms = null) => new(
        "https://idp.example", new Uri("https://idp.example/oauth/token"), null, null, new Uri("https://idp.example/par"),
        methods, algorithms ?? []);

    private ClientAuthenticator Authenticator(string method = "auto", bool secret = true, AsymmetricAlgorithm? key = null, string audience = "token_endpoint")
    {
        var client = new BffClientOptions { ClientId = "my app:1", ClientSecret = secret ? "p@ss word+/" : null, ClientAuthentication = method };
        client.ClientAssertion.Audience = audience;
        if (key is not null)
        {
            client.ClientAssertion.KeyPath = Path.Combine(_directory, "key.pem");
            File.WriteAllText(client.ClientAssertion.KeyPath, key.ExportPkcs8PrivateKeyPem());
        }

        return new ClientAuthenticator(client, "Bff", _time);
    }

    public static TheoryData<string[], bool, bool, string> AutoCases => new()
    {
        // discovery's methods, a secret, a key: the method chosen
        { [], true, false, "client_secret_basic" },
        { ["client_secret_basic", "client_secret_post"], true, false, "client_secret_basic" },
        { ["client_secret_post"], true, false, "client_secret_post" },
        { ["tls_client_auth"], true, false, "client_secret_basic" },
        { ["client_secret_basic", "private_key_jwt"], true, true, "private_key_jwt" },
        { ["client_secret_post"], true, true, "client_secret_post" },
        { ["client_secret_post"], false, true, "private_key_jwt" },
    };

    [Theory]
    [MemberData(nameof(AutoCases))]
    public void MethodFor_Auto_TakesTheBestThatDiscoveryOffers(string[] offered, bool secret, bool key, string expected)
    {
        using var rsa = key ? RSA.Create(2048) : null;
        Assert.Equal(expected, Authenticator(secret: secret, key: rsa).MethodFor(Endpoints(offered)));
    }

    [Fact]
    public void MethodFor_Configured_IsKeptWhateverDiscoverySays()
    {
        Assert.Equal("client_secret_post", Authenticator("client_secret_post").MethodFor(Endpoints(["client_secret_basic"])));
    }

    [Fact]
    public void Apply_Basic_FormEncodesIdAndSecretAndPutsNothingInTheBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://idp.example/oauth/token");
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token") };

        Authenticator().Apply(request, form, Endpoints(["client_secret_basic"]));

        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(request.Headers.Authorization.Parameter!));
        // RFC 6749 section 2.3.1: application/x-www-form-urlencoded before the colon joins them.
        Assert.Equal("my+app%3A1:p%40ss+word%2B%2F", decoded);
        Assert.Equal(["grant_type"], form.Select(p => p.Key));
    }

    [Fact]
    public void Apply_Post_AddsIdAndSecretToTheBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://idp.example/oauth/token");
        var form = new List<KeyValuePair<string, string>>();

        Authenticator().Apply(request, form, Endpoints(["client_secret_post"]));

        Assert.Null(request.Headers.Authorization);
        Assert.Equal([new("client_id", "my app:1"), new("client_secret", "p@ss word+/")], form);
    }

    [Theory]
    [InlineData("token_endpoint", "https://idp.example/oauth/token")]
    [InlineData("issuer", "https://idp.example")]
    [InlineData("endpoint", "https://idp.example/par")]
    public async Task Apply_PrivateKeyJwt_SignsAShortLivedAssertionForTheIdp(string audience, string expectedAudience)
    {
        using var rsa = RSA.Create(2048);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://idp.example/par");
        var form = new List<KeyValuePair<string, string>>();

        Authenticator(key: rsa, audience: audience).Apply(request, form, Endpoints(["private_key_jwt"]));

        Assert.Null(request.Headers.Authorization);
        Assert.DoesNotContain(form, p => p.Key == "client_secret");
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form.Single(p => p.Key == "client_assertion_type").Value);
        var assertion = form.Single(p => p.Key == "client_assertion").Value;
        var publicKey = new RsaSecurityKey(rsa.ExportParameters(false));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = "my app:1",
            ValidAudience = expectedAudience,
            IssuerSigningKey = publicKey,
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("my app:1", token.Subject);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromSecurityKey(publicKey).ComputeJwkThumbprint()), token.Kid);
        Assert.Equal(Now.UtcDateTime, token.IssuedAt);
        Assert.Equal(Now.UtcDateTime.AddSeconds(60), token.ValidTo);
        Assert.Equal(32, token.Id.Length);
    }

    [Fact]
    public void Apply_PrivateKeyJwt_EveryAssertionHasItsOwnJti()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var authenticator = Authenticator(key: ec);

        var ids = Enumerable.Range(0, 3).Select(_ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://idp.example/oauth/token");
            var form = new List<KeyValuePair<string, string>>();
            authenticator.Apply(request, form, Endpoints(["private_key_jwt"]));
            var token = new JsonWebToken(form.Single(p => p.Key == "client_assertion").Value);
            Assert.Equal("ES384", token.Alg);
            return token.Id;
        }).ToHashSet();

        Assert.Equal(3, ids.Count);
    }

    [Fact]
    public void Apply_PrivateKeyJwt_SignsPs256WhenTheIdpAcceptsNoRs256()
    {
        using var rsa = RSA.Create(2048);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://idp.example/oauth/token");
        var form = new List<KeyValuePair<string, string>>();

        Authenticator(key: rsa).Apply(request, form, Endpoints(["private_key_jwt"], ["PS256", "ES256"]));

        Assert.Equal("PS256", new JsonWebToken(form.Single(p => p.Key == "client_assertion").Value).Alg);
    }
}
