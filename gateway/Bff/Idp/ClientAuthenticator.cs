using Bff.Configuration;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Idp;

/// <summary>
/// Authenticates one OIDC client on a back-channel call to the IdP, with the method its <c>ClientAuthentication</c>
/// names or, for <c>auto</c>, the best one discovery offers. Every call goes through here (PAR, code exchange,
/// refresh, client credentials, revocation), so the IdP sees one method from the gateway.
/// </summary>
internal sealed class ClientAuthenticator
{
    private const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // Short: the assertion is made for one request and sent at once; the IdP allows for clock skew itself.
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);

    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly BffClientOptions _client;
    private readonly ClientAssertionKey? _key;
    private readonly TimeProvider _time;

    public ClientAuthenticator(BffClientOptions client, string section, TimeProvider time)
    {
        _client = client;
        _key = ClientAssertionKey.Load(client.ClientAssertion, section);
        _time = time;
    }

    public string ClientId => _client.ClientId!;

    /// <summary>The method used with this IdP: the configured one, or for <c>auto</c> the best that discovery lists.</summary>
    public string MethodFor(IdpEndpoints endpoints)
    {
        if (_client.ClientAuthentication != ClientAuthenticationMethods.Auto)
        {
            return _client.ClientAuthentication;
        }

        var offered = endpoints.AuthMethods;
        var hasSecret = !string.IsNullOrEmpty(_client.ClientSecret);
        if (_key is not null && (offered.Contains(ClientAuthenticationMethods.PrivateKeyJwt) || !hasSecret))
        {
            return ClientAuthenticationMethods.PrivateKeyJwt;
        }

        // RFC 8414: an IdP that lists no methods supports client_secret_basic, which RFC 6749 makes every server accept.
        return offered.Count == 0 || offered.Contains(ClientAuthenticationMethods.ClientSecretBasic) || !offered.Contains(ClientAuthenticationMethods.ClientSecretPost)
            ? ClientAuthenticationMethods.ClientSecretBasic
            : ClientAuthenticationMethods.ClientSecretPost;
    }

    /// <summary>Adds the client's credentials to a request whose form is still open for more fields.</summary>
    public void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, IdpEndpoints endpoints)
    {
        switch (MethodFor(endpoints))
        {
            case ClientAuthenticationMethods.ClientSecretBasic:
                // RFC 6749 section 2.3.1: each part is form-encoded before joining.
                var credentials = FormEncode(_client.ClientId!) + ":" + FormEncode(_client.ClientSecret!);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case ClientAuthenticationMethods.ClientSecretPost:
                AddClientId(form);
                form.Add(new("client_secret", _client.ClientSecret!));
                break;
            default:
                AddClientId(form);
                form.Add(new("client_assertion_type", JwtBearerAssertionType));
                form.Add(new("client_assertion", CreateAssertion(endpoints, request.RequestUri!)));
                break;
        }
    }

    private string CreateAssertion(IdpEndpoints endpoints, Uri endpoint)
    {
        var key = _key ?? throw new InvalidOperationException("private_key_jwt needs a key in ClientAssertion.");
        var now = _time.GetUtcNow().UtcDateTime;
        var audience = _client.ClientAssertion.Audience switch
        {
            BffClientAssertionOptions.IssuerAudience => endpoints.Issuer,
            BffClientAssertionOptions.EndpointAudience => endpoint.AbsoluteUri,
            _ => endpoints.TokenEndpoint.AbsoluteUri,
        };
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _client.ClientId,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, _client.ClientId!), new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N"))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AssertionLifetime,
            SigningCredentials = new SigningCredentials(key.Key, key.AlgorithmFor(endpoints.AssertionSigningAlgorithms)),
            TokenType = _client.ClientAssertion.TokenType,
            AdditionalHeaderClaims = key.Headers.Count == 0 ? null : new Dictionary<string, object>(key.Headers),
        });
    }

    private void AddClientId(List<KeyValuePair<string, string>> form)
    {
        if (!form.Exists(p => p.Key == "client_id"))
        {
            form.Add(new("client_id", _client.ClientId!));
        }
    }

    // application/x-www-form-urlencoded: like Uri.EscapeDataString, but a space is '+'.
    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
