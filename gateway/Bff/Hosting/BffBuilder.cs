using Bff.Configuration;
using Bff.Proxy;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tokens;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Hosting;

/// <summary>
/// What <see cref="BffHostApplicationBuilderExtensions.AddBff"/> returns: the gateway's optional parts, added
/// step by step. A gateway needs one session store (<see cref="AddRedisSessions"/>,
/// <see cref="AddInMemorySessions"/> or <see cref="AddSessionStore"/>); start-up names the step when none was added.
/// </summary>
public sealed class BffBuilder
{
    /// <summary>The configuration key of the Redis connection string.</summary>
    public const string RedisConnectionStringName = "Redis";

    /// <summary>The configuration section of the proxied routes and clusters.</summary>
    public const string ReverseProxySectionName = "ReverseProxy";

    internal BffBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The host's configuration, which the gateway's steps read.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>
    /// Sessions, locks, caches and the Data Protection key ring in Redis, shared by every instance
    /// (<c>ConnectionStrings:Redis</c> unless <paramref name="connectionString"/> is given).
    /// </summary>
    public BffBuilder AddRedisSessions(string? connectionString = null)
    {
        connectionString ??= Configuration.GetConnectionString(RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // Reported like any other configuration mistake: the key named, no stack trace (BffConfigurationError).
            throw new OptionsValidationException(BffOptions.SectionName, typeof(BffOptions),
                [$"ConnectionStrings:{RedisConnectionStringName} is empty: AddRedisSessions() needs a Redis connection string."]);
        }

        Services.AddBffRedisSessionStore(connectionString);
        Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new RedisXmlRepository(
                () => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase(),
                sp.GetRequiredService<RedisKeys>().DataProtectionKeys)));
        return this;
    }

    /// <summary>
    /// Sessions in this process only: for development, tests and a single instance. Outside Development,
    /// start-up refuses it unless <c>Bff:Session:AllowInMemoryStore</c> is true.
    /// </summary>
    public BffBuilder AddInMemorySessions()
    {
        Services.AddBffInMemorySessionStore();
        return this;
    }

    /// <summary>Redis when <c>ConnectionStrings:Redis</c> is set, in memory otherwise: the stock host's choice.</summary>
    public BffBuilder AddSessionStore() =>
        string.IsNullOrWhiteSpace(Configuration.GetConnectionString(RedisConnectionStringName))
            ? AddInMemorySessions()
            : AddRedisSessions();

    /// <summary>
    /// The user's access token refreshed before it expires, at most one refresh per session across every
    /// instance, and the gateway's own client-credentials token.
    /// </summary>
    public BffBuilder AddTokenManagement()
    {
        Services.AddBffTokenManagement();
        return this;
    }

    /// <summary>
    /// The proxied routes and clusters of the <c>ReverseProxy</c> section (or <paramref name="routes"/>), with
    /// the user's token injected and the browser's credentials stripped. Adds token management.
    /// </summary>
    public BffBuilder AddProxy(IConfiguration? routes = null)
    {
        AddTokenManagement();
        Services.AddBffProxy(routes ?? Configuration.GetSection(ReverseProxySectionName),
            Configuration.GetValue<bool>($"{BffOptions.SectionName}:Telemetry:{nameof(BffTelemetryOptions.UpstreamClientMetrics)}"));
        return this;
    }
}
