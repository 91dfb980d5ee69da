using Bff.Configuration;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Idp;

/// <summary>Reads endpoints from the OIDC handler's discovery document, so it is fetched and cached once.</summary>
internal sealed class IdpMetadata(IOptionsMonitor<OpenIdConnectOptions> oidcOptions)
{
    public async Task<IdpEndpoints> GetAsync(CancellationToken cancellationToken)
    {
        var manager = oidcOptions.Get(BffSessionDefaults.OidcScheme).ConfigurationManager
            ?? throw new InvalidOperationException("The OIDC handler has no configuration manager.");
        var configuration = await manager.GetConfigurationAsync(cancellationToken);
        return new IdpEndpoints(
            configuration.Issuer,
            new Uri(configuration.TokenEndpoint),
            RevocationEndpointOf(configuration),
            UriOrNull(configuration.EndSessionEndpoint),
            UriOrNull(configuration.PushedAuthorizationRequestEndpoint),
            [.. configuration.TokenEndpointAuthMethodsSupported],
            [.. configuration.TokenEndpointAuthSigningAlgValuesSupported]);
    }

    private static Uri? UriOrNull(string? value) => string.IsNullOrEmpty(value) ? null : new Uri(value);

    // IdentityModel 8 reads revocation_endpoint into its own property, so a discovery document never has it
    // in AdditionalData; a configuration built by hand (tests) may.
    private static Uri? RevocationEndpointOf(OpenIdConnectConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration.RevocationEndpoint) ? new Uri(configuration.RevocationEndpoint)
        : configuration.AdditionalData.TryGetValue("revocation_endpoint", out var revocation) && revocation is string r ? new Uri(r)
        : null;
}
