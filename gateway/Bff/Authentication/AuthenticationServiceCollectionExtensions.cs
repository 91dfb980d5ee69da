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
    public static IServiceCollection AddBffAuthentication(this IServiceCollection services)
    {
        services.TryAddSingleton<SessionAuthenticator>();
        services.AddAuthentication()
            .AddScheme<BffSessionSchemeOptions, BffSessionHandler>(BffSessionDefaults.Scheme, _ => { })
            .AddOpenIdConnect(BffSessionDefaults.OidcScheme, _ => { });
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
