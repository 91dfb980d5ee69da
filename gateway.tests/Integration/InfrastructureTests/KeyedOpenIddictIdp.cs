using Bff.Tests.Integration.Infrastructure;
using System.Security.Cryptography;

namespace Bff.Tests.Integration.InfrastructureTests;

/// <summary>One OpenIddict IdP for a test class, started with an RSA public key for private_key_jwt, as PEM.</summary>
public sealed class KeyedOpenIddictIdp : IAsyncLifetime
{
    private readonly string _directory = TestRun.CreateTempDirectory("openiddict-key");

    public RSA ClientKey { get; } = RSA.Create(2048);

    public OpenIddictIdp Idp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_directory, "client.pub.pem");
        await File.WriteAllTextAsync(path, ClientKey.ExportSubjectPublicKeyInfoPem());
        Idp = await OpenIddictIdp.StartAsync(new OpenIddictIdpOptions { ClientPublicKeyPath = path });
    }

    public async Task DisposeAsync()
    {
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }

        ClientKey.Dispose();
        TestRun.TryDeleteDirectory(_directory);
    }
}
