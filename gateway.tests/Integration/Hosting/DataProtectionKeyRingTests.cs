using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Hosting;

/// <summary>
/// The Data Protection key ring in Redis (<c>bff:dp:keys</c>) is encrypted with the certificate of
/// <c>Bff:DataProtection:CertificatePath</c>; without one, start-up outside Development says so.
/// </summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class DataProtectionKeyRingTests : IAsyncLifetime
{
    private const string KeyRing = "bff:dp:keys";
    private const int UnencryptedKeyRingWarning = 1602;

    private readonly string _directory = TestRun.CreateTempDirectory("dp-cert");
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        TestRun.TryDeleteDirectory(_directory);
    }

    [Fact]
    public async Task CertificateSet_KeyXmlInRedisIsEncrypted_AndAnotherInstanceWithTheCertificateReadsIt()
    {
        var certificate = CreateCertificate("cert.pfx", "pfx-password");
        await using var first = Gateway(certificate, "pfx-password");
        var payload = Protect(first, "hello");

        var keys = await KeyXmlAsync();
        var key = Assert.Single(keys);
        Assert.Contains("EncryptedKey", key, StringComparison.Ordinal);
        Assert.Contains("encryptedSecret", key, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);

        await using var second = Gateway(certificate, "pfx-password");
        Assert.Equal("hello", Unprotect(second, payload));
    }

    [Fact]
    public async Task CertificateSet_InstanceWithoutTheCertificate_CannotReadTheKeyRing()
    {
        var certificate = CreateCertificate("cert.pfx", "pfx-password");
        await using var first = Gateway(certificate, "pfx-password");
        var payload = Protect(first, "hello");

        await using var withoutCertificate = Gateway(certificatePath: null, password: null);

        Assert.ThrowsAny<CryptographicException>(() => Unprotect(withoutCertificate, payload));
    }

    [Fact]
    public async Task NoCertificate_KeyXmlInRedisIsPlain_AsTheWarningSays()
    {
        await using var gateway = Gateway(certificatePath: null, password: null);
        Protect(gateway, "hello");

        var key = Assert.Single(await KeyXmlAsync());
        Assert.Contains("<masterKey", key, StringComparison.Ordinal);
        Assert.DoesNotContain("EncryptedKey", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateRotated_PreviousCertificateKept_KeysWrittenUnderTheOldOneStillRead()
    {
        var old = CreateCertificate("old.pfx", "old-password");
        var current = CreateCertificate("new.pfx", "pfx-password");
        await using var before = Gateway(old, "old-password");
        var payload = Protect(before, "hello");

        await using var after = Gateway(current, "pfx-password", previousCertificatePath: old);
        await using var afterWithoutPrevious = Gateway(current, "pfx-password");

        Assert.Equal("hello", Unprotect(after, payload));
        Assert.ThrowsAny<CryptographicException>(() => Unprotect(afterWithoutPrevious, payload));
    }

    [Fact]
    public async Task PreviousCertificateUnreadable_ProcessExitsNamingTheKey()
    {
        var notAPfx = Path.Combine(_directory, "not-a.pfx");
        File.WriteAllText(notAPfx, "not a certificate");
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Session:AllowInMemoryStore"] = "true";
        settings["Bff:DataProtection:PreviousCertificatePath"] = notAPfx;

        var error = await Assert.ThrowsAsync<GatewayStartException>(() => GatewayProcess.StartAsync(settings));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("Bff:DataProtection:PreviousCertificatePath", error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", false, true)]
    [InlineData("Staging", false, true)]
    [InlineData("Production", true, false)]
    [InlineData("Development", false, false)]
    public void StartUp_UnencryptedKeyRingWarning_OnlyOutsideDevelopmentWithoutCertificate(string environment, bool withCertificate, bool warned)
    {
        var certificate = withCertificate ? CreateCertificate("cert.pfx", "pfx-password") : null;
        var logs = new CapturingLoggerProvider();
        using var factory = Gateway(certificate, "pfx-password", environment, logs);

        using var client = factory.CreateClient();

        var warnings = logs.Records.Where(r => r.EventId.Id == UnencryptedKeyRingWarning).ToList();
        Assert.Equal(warned ? 1 : 0, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
    }

    private WebApplicationFactory<Program> Gateway(
        string? certificatePath,
        string? password,
        string environment = "Production",
        CapturingLoggerProvider? logs = null,
        string? previousCertificatePath = null)
    {
        var settings = GatewayFactory.BaseSettings();
        if (previousCertificatePath is not null)
        {
            settings["Bff:DataProtection:PreviousCertificatePath"] = previousCertificatePath;
            settings["Bff:DataProtection:PreviousCertificatePassword"] = "old-password";
        }

        settings["ConnectionStrings:Redis"] = _redis.ConnectionString;
        if (certificatePath is not null)
        {
            settings["Bff:DataProtection:CertificatePath"] = certificatePath;
            settings["Bff:DataProtection:CertificatePassword"] = password;
        }

        var factory = new GatewayFactory(settings, environment);
        return logs is null
            ? factory
            : factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
    }

    private static string Protect(WebApplicationFactory<Program> gateway, string text) =>
        gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect(text);

    private static string Unprotect(WebApplicationFactory<Program> gateway, string payload) =>
        gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(payload);

    private async Task<string[]> KeyXmlAsync() =>
        [.. (await _connection.GetDatabase().ListRangeAsync(KeyRing)).Select(v => (string)v!)];

    /// <summary>A self-signed RSA certificate with its private key, as the PKCS#12 file an operator would mount.</summary>
    private string CreateCertificate(string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=bff-data-protection-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }
}
