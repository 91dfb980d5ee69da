using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Authorization;
using Bff.Configuration;
using Bff.Endpoints;
using Bff.Frontends;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.RateLimiting;
using Bff.Security;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>Adds the gateway to a host.</summary>
public static class BffHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the gateway's core from the <c>Bff</c> configuration section: options validated at start-up, OpenID
    /// Connect login into server-side sessions, the session cookie, antiforgery, logout and the sessions API,
    /// refresh-token revocation, and the <c>Bff.Gateway</c> meter. Add a session store and, for proxied APIs,
    /// the proxy through the returned builder. Makes no host-wide choice (logging, exporters, Kestrel limits,
    /// exception handling): those are <see cref="BffHostDefaults"/>, for hosts that want the stock ones.
    /// </summary>
    /// <param name="builder">The host's builder.</param>
    public static BffBuilder AddBff(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<BffOptions>().Bind(configuration.GetSection(BffOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<BffOptions>>(new BffFrontendsSetup(
            configuration.GetSection(BffOptions.SectionName).GetSection(BffFrontendOptions.SectionName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffFrontendsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, ForwardedHeadersValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffStoreValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, RateLimitValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, SecurityValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, AuthorizationValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<BffMetrics>();
        services.TryAddSingleton<FrontendCatalog>();

        // The application name, not the content root, isolates the key ring: every instance of the gateway,
        // wherever it is installed, must read the others' cookies.
        services.AddDataProtection().SetApplicationName("Bff").ProtectKeysFromConfiguration(configuration);

        services.AddBffIdp();
        services.AddBffSessions();
        services.AddBffSessionLifecycle();
        services.AddBffAuthentication(configuration.GetSection(BffOptions.SectionName).GetSection(BffFrontendOptions.SectionName)
            .GetChildren().Select(frontend => frontend.Key));
        services.AddBffAuthorization();
        services.AddBffAntiforgery();
        services.AddBffRateLimiting();
        services.AddBffSecurity();
        services.TryAddSingleton<LogoutBrowserCleanup>();
        services.TryAddSingleton<BffExceptionHandler>();
        services.AddHostedService<StartupWarnings>();
        return new BffBuilder(services, configuration);
    }
}
