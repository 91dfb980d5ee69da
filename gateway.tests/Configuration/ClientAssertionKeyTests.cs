using Bff.Configuration;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Configuration;

public sealed class ClientAssertionKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("assertion-key-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static X509Certificate2 SelfSigned(RSA rsa)
    {
        var request = new CertificateRequest("CN=bff-client", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    [Fact]
    public void Load_NothingConfigured_IsNull()
    {
        Assert.Null(ClientAssertionKey.Load(new BffClientAssertionOptions(), "Bff"));
    }

    [Fact]
    public void Load_RsaPem_KidIsTheJwkThumbprint()
    {
        using var rsa = RSA.Create(2048);
        var key = ClientAssertionKey.Load(new BffClientAssertionOptions { KeyPath = Write("rsa.pem", rsa.ExportRSAPrivateKeyPem()) }, "Bff")!;

        var expected = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromSecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());
        Assert.Equal(expected, key.KeyId);
        Assert.Equal("RS256", key.AlgorithmFor([]));
        Assert.Empty(key.Headers);
    }

    [Fact]
    public void Load_EncryptedEcPem_WithItsPassword()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ec.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        var key = ClientAssertionKey.Load(new BffClientAssertionOptions { KeyPath = Write("ec.pem", pem), KeyPassword = "pw", KeyId = "mine" }, "Bff")!;

        Assert.Equal("mine", key.KeyId);
        Assert.Equal("ES256", key.AlgorithmFor(["RS256", "ES256"]));
    }

    [Fact]
    public void Load_Pfx_CarriesTheCertificateThumbprints()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = SelfSigned(rsa);
        var path = Path.Combine(_directory, "client.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "secret"));

        var key = ClientAssertionKey.Load(new BffClientAssertionOptions { CertificatePath = path, CertificatePassword = "secret" }, "Bff")!;

        Assert.Equal(Base64UrlEncoder.Encode(certificate.GetCertHash()), key.Headers["x5t"]);
        Assert.Equal(Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256)), key.Headers["x5t#S256"]);
    }

    [Fact]
    public void Load_PemCertificateWithItsKey()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = SelfSigned(rsa);
        var path = Write("client.pem", certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());

        var key = ClientAssertionKey.Load(new BffClientAssertionOptions { CertificatePath = path }, "Bff")!;

        Assert.Equal(Base64UrlEncoder.Encode(certificate.GetCertHash()), key.Headers["x5t"]);
    }

    [Theory]
    [InlineData("KeyPath", "not a key")]
    [InlineData("KeyPath", null)]
    [InlineData("CertificatePath", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void Load_Unreadable_NamesTheKey(string setting, string? content)
    {
        var path = content is null ? Path.Combine(_directory, "missing.pem") : Write("bad.pem", content);
        var options = setting == "KeyPath" ? new BffClientAssertionOptions { KeyPath = path } : new BffClientAssertionOptions { CertificatePath = path };

        var error = Assert.Throws<ClientAssertionKeyException>(() => ClientAssertionKey.Load(options, "Bff"));

        Assert.StartsWith($"Bff:ClientAssertion:{setting} ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", error.Message, StringComparison.Ordinal);
    }
}
