using Bff.Configuration;
using System.Security.Cryptography;

namespace Bff.Tests.Configuration;

public sealed class ClientAuthenticationValidatorTests : IDisposable
{
    private readonly string _keyPath = Path.Combine(Directory.CreateTempSubdirectory("client-key-").FullName, "key.pem");

    public ClientAuthenticationValidatorTests()
    {
        using var rsa = RSA.Create(2048);
        File.WriteAllText(_keyPath, rsa.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_keyPath)!, recursive: true);

    private static List<string> Validate(Action<BffClientOptions> change)
    {
        var client = new BffClientOptions { ClientId = "bff", ClientSecret = "secret" };
        change(client);
        var errors = new List<string>();
        ClientAuthenticationValidator.Validate(errors, "Bff", client);
        return errors;
    }

    [Fact]
    public void Validate_SecretAlone_Succeeds() => Assert.Empty(Validate(_ => { }));

    [Fact]
    public void Validate_KeyWithoutSecret_Succeeds()
    {
        Assert.Empty(Validate(c => (c.ClientSecret, c.ClientAssertion.KeyPath) = (null, _keyPath)));
        Assert.Empty(Validate(c => (c.ClientSecret, c.ClientAssertion.KeyPath, c.ClientAuthentication) = (null, _keyPath, "private_key_jwt")));
    }

    [Fact]
    public void Validate_ExtraParameters_ThatTheFlowDoesNotOwn_Succeed()
    {
        Assert.Empty(Validate(c => (c.ExtraAuthorizeParameters["access_type"], c.ExtraAuthorizeParameters["audience"]) = ("offline", "https://api.example")));
    }

    public static TheoryData<string, Action<BffClientOptions>> InvalidCases => new()
    {
        { "Bff:ClientSecret", c => c.ClientSecret = null },
        { "Bff:ClientSecret", c => (c.ClientSecret, c.ClientAuthentication) = ("", "client_secret_basic") },
        { "Bff:ClientAuthentication", c => c.ClientAuthentication = "client_secret_jwt" },
        { "Bff:ClientAuthentication", c => c.ClientAuthentication = "Auto" },
        { "Bff:ClientAuthentication", c => c.ClientAuthentication = "private_key_jwt" },
        { "Bff:ClientAssertion:KeyPath", c => c.ClientAssertion.KeyPath = "/nonexistent/key.pem" },
        { "Bff:ClientAssertion:CertificatePath", c => (c.ClientAssertion.KeyPath, c.ClientAssertion.CertificatePath) = ("a.pem", "b.pfx") },
        { "Bff:ClientAssertion:Audience", c => c.ClientAssertion.Audience = "everyone" },
        { "Bff:ClientAssertion:TokenType", c => c.ClientAssertion.TokenType = "at+jwt" },
        { "Bff:ExtraAuthorizeParameters:redirect_uri", c => c.ExtraAuthorizeParameters["redirect_uri"] = "https://evil.example/cb" },
        { "Bff:ExtraAuthorizeParameters:Code_Challenge", c => c.ExtraAuthorizeParameters["Code_Challenge"] = "x" },
        { "Bff:ExtraAuthorizeParameters:scope", c => c.ExtraAuthorizeParameters["scope"] = "openid email" },
        { "Bff:ExtraAuthorizeParameters:audience", c => c.ExtraAuthorizeParameters["audience"] = "" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_Invalid_NamesTheKey(string key, Action<BffClientOptions> breakIt)
    {
        var errors = Validate(breakIt);

        Assert.Contains(errors, e => e.Contains(key, StringComparison.Ordinal));
    }
}
