using Bff.Configuration;
using Bff.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Support;

/// <summary>
/// Data Protection as the gateway builds it, a key ring read from a repository (in memory, or the gateways'
/// Redis), with the gateway's <see cref="KeyRingReloadGate"/> over it: the gate needs the key ring, which
/// <see cref="EphemeralDataProtectionProvider"/> keeps to itself.
/// </summary>
internal sealed class TestDataProtection : IDisposable
{
    private readonly ServiceProvider _services;

    private TestDataProtection(Action<IDataProtectionBuilder> persistKeys)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        persistKeys(services.AddDataProtection().SetApplicationName("Bff"));
        services.AddSingleton<KeyRingReloadGate>();
        _services = services.BuildServiceProvider();
    }

    public static TestDataProtection InMemory(InMemoryXmlRepository? repository = null)
    {
        var keys = repository ?? new InMemoryXmlRepository();
        return new TestDataProtection(b => b.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = keys));
    }

    public static TestDataProtection InRedis(IConnectionMultiplexer redis) =>
        new(b => b.PersistKeysToStackExchangeRedis(redis, "bff:dp:keys"));

    public IDataProtectionProvider Provider => _services.GetRequiredService<IDataProtectionProvider>();

    public KeyRingReloadGate Gate => _services.GetRequiredService<KeyRingReloadGate>();

    public IKeyManager KeyManager => _services.GetRequiredService<IKeyManager>();

    public IKeyRingProvider KeyRing => _services.GetRequiredService<IKeyRingProvider>();

    public SessionCookie Cookie(BffOptions? options = null) => new(Provider, Gate, Options.Create(options ?? new BffOptions()));

    public SessionProtector SessionProtector() => new(Provider, Gate);

    public void Dispose() => _services.Dispose();
}
