using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Tests.Support;

/// <summary>
/// OIDC options whose configuration names a <see cref="FakeOidcProvider"/>'s endpoints outright, for the IdP client
/// in tests without a container: no discovery request, so nothing but the grant under test reaches the provider.
/// </summary>
internal sealed class StaticOidcOptions(OpenIdConnectOptions value) : IOptionsMonitor<OpenIdConnectOptions>
{
    public OpenIdConnectOptions CurrentValue => value;

    /// <param name="idp">The provider whose endpoints are named.</param>
    /// <param name="revocationEndpoint">Another revocation endpoint than the provider's, one that cannot answer, say.</param>
    public static StaticOidcOptions For(FakeOidcProvider idp, string? revocationEndpoint = null)
    {
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = idp.Issuer,
            TokenEndpoint = idp.TokenEndpoint,
        };
        configuration.TokenEndpointAuthMethodsSupported.Add("client_secret_post");
        configuration.AdditionalData["revocation_endpoint"] = revocationEndpoint ?? idp.RevocationEndpoint;
        return new StaticOidcOptions(new OpenIdConnectOptions
        {
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration),
        });
    }

    public OpenIdConnectOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
}
