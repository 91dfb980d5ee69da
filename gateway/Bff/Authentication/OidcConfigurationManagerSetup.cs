using Bff.Configuration;
using Bff.Frontends;
using Bff.Idp;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Authentication;

/// <summary>
/// Puts <see cref="IdpConfigurationManager"/> in place of the configuration manager the OIDC handler makes for
/// itself. It runs after the handler's own post-configuration, so discovery and the keys are still read through the
/// handler's back-channel client (its timeout, a host's handler); a manager a host set up itself is left alone.
/// </summary>
/// <remarks>
/// Every frontend's scheme shares the default scheme's manager: one IdP, one discovery document and one key set,
/// fetched once for all of them.
/// </remarks>
internal sealed class OidcConfigurationManagerSetup(TimeProvider time, FrontendCatalog frontends, IServiceProvider services) : IPostConfigureOptions<OpenIdConnectOptions>
{
    public void PostConfigure(string? name, OpenIdConnectOptions options)
    {
        if (name != BffSessionDefaults.OidcScheme && frontends.All.Any(f => f.OidcScheme == name)
            && options.ConfigurationManager?.GetType() == typeof(ConfigurationManager<OpenIdConnectConfiguration>))
        {
            // Resolved here, not injected: the monitor's factory runs this very setup.
            options.ConfigurationManager = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>()
                .Get(BffSessionDefaults.OidcScheme).ConfigurationManager;
            return;
        }

        if (name != BffSessionDefaults.OidcScheme
            || options.ConfigurationManager?.GetType() != typeof(ConfigurationManager<OpenIdConnectConfiguration>)
            || options.MetadataAddress is not { Length: > 0 } metadataAddress)
        {
            return;
        }

        options.ConfigurationManager = new IdpConfigurationManager(
            metadataAddress,
            new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata },
            time)
        {
            RefreshInterval = options.RefreshInterval,
            AutomaticRefreshInterval = options.AutomaticRefreshInterval,
        };
    }
}
