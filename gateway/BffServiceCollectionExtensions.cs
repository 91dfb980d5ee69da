using System.Security.Cryptography.X509Certificates;
using Bff.Antiforgery;
using Bff.Diagnostics;
using Bff.Endpoints;
using Bff.Proxy;
using Bff.Sessions;
using Bff.Tokens;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using StackExchange.Redis;

namespace Bff;

/// <summary>Registers the gateway: sessions, OIDC login, the proxy and its checks.</summary>
public static class BffServiceCollectionExtensions
{
    /// <summary>Adds the BFF from the <c>Bff</c>, <c>ConnectionStrings:Redis</c> and <c>ReverseProxy</c> configuration.</summary>
    public static IHostApplicationBuilder AddBff(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<BffOptions>().Bind(configuration.GetSection(BffOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffStoreValidator>());

        // Off entirely. Its Information events carry full request URLs, and the login callback's has the
        // authorization code; and while it is enabled at any level, hosting starts an Activity and a log
        // scope for every request (and HttpClient then writes a traceparent into every proxied call) just
        // in case something logs. With OTLP tracing on, the activities come back, and logs carry TraceId.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        services.TryAddSingleton(TimeProvider.System);

        var dataProtection = services.AddDataProtection().SetApplicationName("Bff");
        var certificatePath = configuration["Bff:DataProtection:CertificatePath"];
        if (!string.IsNullOrEmpty(certificatePath) && File.Exists(certificatePath))
        {
            dataProtection.ProtectKeysWithCertificate(
                X509CertificateLoader.LoadPkcs12FromFile(certificatePath, configuration["Bff:DataProtection:CertificatePassword"]));
        }

        dataProtection.UnprotectKeysWithPreviousCertificate(configuration);

        var redisConfiguration = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redisConfiguration))
        {
            var redis = CreateRedis(redisConfiguration, configuration.GetValue("Bff:SessionStoreTimeout", TimeSpan.FromSeconds(5)));
            services.AddSingleton<IConnectionMultiplexer>(_ => redis.Value);
            dataProtection.PersistKeysToStackExchangeRedis(() => redis.Value.GetDatabase(), "bff:dp:keys");
            services.TryAddSingleton<ISessionStore, RedisSessionStore>();
            services.AddSingleton<SessionCache>();
            services.AddSingleton<SessionStoreHealth>();
            services.AddHostedService<SessionInvalidationListener>();
            services.TryAddSingleton<IRefreshLock, RedisRefreshLock>();
            services.TryAddSingleton<ISharedTokenCache, RedisTokenCache>();
            services.AddSingleton(BffStoreKind.Redis);
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        else
        {
            services.TryAddSingleton<ISessionStore, InMemorySessionStore>();
            services.TryAddSingleton<IRefreshLock, InProcessRefreshLock>();
            services.TryAddSingleton<ISharedTokenCache, LocalTokenCache>();
            services.AddSingleton(BffStoreKind.InMemory);
        }

        services.AddMetrics();
        builder.AddBffTelemetry();
        services.TryAddSingleton<BffMetrics>();
        services.AddHostedService<KeyRingWarmup>();
        services.AddSingleton<KeyRingGate>();
        services.AddSingleton<SessionProtector>();
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<SessionAuthenticator>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = BffSessionDefaults.Scheme;
                options.DefaultChallengeScheme = BffSessionDefaults.Scheme;
            })
            .AddScheme<BffSessionSchemeOptions, BffSessionHandler>(BffSessionDefaults.Scheme, _ => { })
            .AddOpenIdConnect(BffSessionDefaults.OidcScheme, _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, OidcOptionsSetup>());

        services.AddSingleton<RefreshSignals>();
        services.AddSingleton<IdpMetadata>();
        services.AddSingleton<UserTokenManager>();
        services.AddSingleton<ClientTokenManager>();
        services.AddSingleton<IdpTokenClient>();
        services.AddHttpClient(IdpTokenClient.HttpClientName)
            .AddResilienceHandler("idp", pipeline => pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // A dead IdP is answered fast instead of every request waiting out IdpTimeout.
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            }));
        // Session lifecycle: logout, back-channel logout, the sessions API, refresh-token revocation with
        // retries, and which proxies may tell the client's IP address.
        services.TryAddSingleton<IRevocationQueue>(sp => sp.GetRequiredService<BffStoreKind>() == BffStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisRevocationQueue>(sp)
            : new InMemoryRevocationQueue());
        services.TryAddSingleton<ILogoutTokenReplayCache>(sp => sp.GetRequiredService<BffStoreKind>() == BffStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisLogoutTokenReplayCache>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryLogoutTokenReplayCache>(sp));
        services.TryAddSingleton<RefreshTokenRevoker>();
        services.TryAddSingleton<SessionRevoker>();
        services.AddHostedService<RevocationRetryService>();
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<BrowserLogout>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, ForwardedHeadersValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>());

        services.AddSingleton<IdpDiscoveryState>();
        services.AddHostedService<IdpDiscoveryWarmup>();
        services.AddHostedService<StartupWarnings>();
        services.AddHealthChecks().AddCheck<IdpDiscoveryHealthCheck>("idp", tags: ["ready"]);

        services.AddBffAntiforgery();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>());

        services.AddProblemDetails();
        services.AddExceptionHandler<BffExceptionHandler>();

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransforms<BffProxyTransformProvider>()
            .ConfigureHttpClient(static (_, handler) => handler.MeterFactory = ProxyClientMeterFactory.Instance);

        return builder;
    }

    // The connection is made on first use, so a gateway whose Redis is down still starts (and reports
    // not ready) instead of crash-looping.
    private static Lazy<IConnectionMultiplexer> CreateRedis(string configuration, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "bff-gateway";
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 100, int.MaxValue);
        options.AsyncTimeout = milliseconds;
        options.SyncTimeout = milliseconds;
        options.ConnectTimeout = Math.Min(milliseconds, 5000);
        return new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));
    }
}
