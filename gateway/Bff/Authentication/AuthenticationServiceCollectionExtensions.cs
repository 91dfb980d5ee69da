using Bff.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bff.Authentication;

/// <summary>Registers the session scheme and the OpenID Connect scheme that signs users in.</summary>
internal static class AuthenticationServiceCollectionExtensions
{
    /// <param name="services">The host's services.</param>
    /// <param name="frontends">The names of the named frontends (<c>Bff:Frontends</c>), each with an OIDC scheme of its own.</param>
    public static IServiceCollection AddBffAuthentication(this IServiceCollection services, IEnumerable<string> frontends)
    {
        services.TryAddSingleton<SessionAuthenticator>();
        var authentication = services.AddAuthentication()
            .AddScheme<BffSessionSchemeOptions, BffSessionHandler>(BffSessionDefaults.Scheme, _ => { })
            .AddOpenIdConnect(BffSessionDefaults.OidcScheme, _ => { });
        foreach (var frontend in frontends)
        {
            authentication.AddOpenIdConnect(BffSessionDefaults.OidcScheme + "-" + frontend, _ => { });
        }

        // The session is the default only where the host chose none: a host with schemes of its own keeps them,
        // and the gateway names its scheme wherever it authenticates or challenges.
        services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme ??= BffSessionDefaults.Scheme;
            options.DefaultChallengeScheme ??= BffSessionDefaults.Scheme;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, OidcOptionsSetup>());
        // After AddOpenIdConnect's own post-configuration, which makes the manager this one replaces.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OidcConfigurationManagerSetup>());
        return services;
    }
}
