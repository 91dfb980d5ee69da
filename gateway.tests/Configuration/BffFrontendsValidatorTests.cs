using Bff.Configuration;

namespace Bff.Tests.Configuration;

public class BffFrontendsValidatorTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Authority"] = "https://idp.example",
            ["Bff:ClientId"] = "bff",
            ["Bff:ClientSecret"] = "secret",
            ["Bff:Frontends:admin:Origin"] = "https://admin.example",
            ["Bff:Frontends:admin:ClientId"] = "bff-admin",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> settings)
    {
        var options = BffFrontendsSetupTests.Build(settings);
        var errors = new List<string>();
        foreach (var result in new[] { new BffOptionsValidator().Validate(null, options), new BffFrontendsValidator().Validate(null, options) })
        {
            errors.AddRange(result.Failures ?? []);
        }

        return errors;
    }

    [Fact]
    public void ValidFrontends_NoErrors() => Assert.Empty(Errors(Settings()));

    [Fact]
    public void NoTopLevelClientId_WithFrontends_IsValid() =>
        Assert.Empty(Errors(Settings(("Bff:ClientId", null))));

    [Fact]
    public void NoTopLevelClientId_NoFrontends_IsRequired()
    {
        var settings = Settings(("Bff:ClientId", null));
        settings.Remove("Bff:Frontends:admin:Origin");
        settings.Remove("Bff:Frontends:admin:ClientId");

        Assert.Contains("Bff:ClientId is required.", Errors(settings));
    }

    [Theory]
    [InlineData("admin.example")]
    [InlineData("https://admin.example/app")]
    [InlineData("ftp://admin.example")]
    public void BadOrigin_NamesTheKey(string origin) =>
        Assert.Contains(Errors(Settings(("Bff:Frontends:admin:Origin", origin))), e => e.StartsWith("Bff:Frontends:admin:Origin must be an origin", StringComparison.Ordinal));

    [Fact]
    public void MissingOrigin_NamesTheKey()
    {
        var settings = Settings(("Bff:Frontends:admin:Origin", null));

        Assert.Contains(Errors(settings), e => e.StartsWith("Bff:Frontends:admin:Origin is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("/admin/")]
    [InlineData("/ad min")]
    [InlineData("/a//b")]
    [InlineData("/..")]
    public void BadPathBase_NamesTheKey(string pathBase) =>
        Assert.Contains(Errors(Settings(("Bff:Frontends:admin:PathBase", pathBase))), e => e.StartsWith("Bff:Frontends:admin:PathBase must start with '/'", StringComparison.Ordinal));

    [Fact]
    public void SameOriginAndPathBase_Twice_NamesBoth()
    {
        var errors = Errors(Settings(("Bff:Frontends:other:Origin", "https://ADMIN.example"), ("Bff:Frontends:other:ClientId", "x")));

        Assert.Contains(errors, e => e.Contains("Bff:Frontends:other:Origin and PathBase are those of Bff:Frontends:admin", StringComparison.Ordinal));
    }

    [Fact]
    public void SameOrigin_OtherPathBase_IsValid() =>
        Assert.Empty(Errors(Settings(("Bff:Frontends:other:Origin", "https://admin.example"), ("Bff:Frontends:other:PathBase", "/other"))));

    [Fact]
    public void NameThatCannotBeInACookieName_NamesTheSection() =>
        Assert.Contains(Errors(Settings(("Bff:Frontends:a;b:Origin", "https://b.example"))), e => e.StartsWith("Bff:Frontends:a;b: a frontend's name", StringComparison.Ordinal));

    [Fact]
    public void CookieNameOfAnother_NamesTheKey() =>
        Assert.Contains(Errors(Settings(("Bff:Frontends:admin:Cookie:Name", "__Host-bff"))), e => e.StartsWith("Bff:Frontends:admin:Cookie:Name is also Bff:Cookie:Name", StringComparison.Ordinal));

    [Theory]
    [InlineData("Bff:Frontends:af:Origin", "https://af.example", "Bff:Frontends:af:Cookie:Name is __Host-bff-af, the antiforgery cookie of the default frontend")]
    [InlineData("Bff:Frontends:af-admin:Origin", "https://af.example", "Bff:Frontends:af-admin:Cookie:Name is __Host-bff-af-admin, the antiforgery cookie of Bff:Frontends:admin")]
    [InlineData("Bff:Frontends:admin:Cookie:Name", "__HOST-BFF-AF-ADMIN", "Bff:Frontends:admin:Cookie:Name is __HOST-BFF-AF-ADMIN, the antiforgery cookie of Bff:Frontends:admin")]
    public void SessionCookieNamedAsAnAntiforgeryCookie_NamesTheKey(string key, string value, string error) =>
        Assert.Contains(Errors(Settings((key, value))), e => e.StartsWith(error, StringComparison.Ordinal));

    [Theory]
    [InlineData("CacheDuration", "00:00:01")]
    [InlineData("SlidingWriteInterval", "00:00:10")]
    [InlineData("MaxSessionsPerUser", "5")]
    [InlineData("AllowInMemoryStore", "true")]
    [InlineData("CacheMaxEntries", "10")]
    [InlineData("RevocationReplicas", "1")]
    public void StoreWideSessionSetting_PerFrontend_NamesTheKey(string key, string value) =>
        Assert.Contains($"Bff:Frontends:admin:Session:{key} is store-wide: set Bff:Session:{key} instead.",
            Errors(Settings(($"Bff:Frontends:admin:Session:{key}", value))));

    [Fact]
    public void AbsoluteLifetime_PerFrontend_IsValid() =>
        Assert.Empty(Errors(Settings(("Bff:Frontends:admin:Session:AbsoluteLifetime", "01:00:00"))));

    // Shorter than the store-wide sliding write interval too: each session writes back at least every quarter of its own.
    [Theory]
    [InlineData("00:05:00")]
    [InlineData("00:00:30")]
    public void IdleTimeout_PerFrontend_IsValid(string value) =>
        Assert.Empty(Errors(Settings(("Bff:Frontends:admin:Session:IdleTimeout", value))));

    [Theory]
    [InlineData("00:00:00", "Bff:Frontends:admin:Session:IdleTimeout must be a positive time span (e.g. 00:05:00).")]
    [InlineData("2.00:00:00", "Bff:Frontends:admin:Session:IdleTimeout must not exceed Bff:Frontends:admin:Session:AbsoluteLifetime.")]
    public void IdleTimeout_PerFrontend_Invalid_NamesTheKey(string value, string error) =>
        Assert.Contains(error, Errors(Settings(("Bff:Frontends:admin:Session:IdleTimeout", value))));

    [Fact]
    public void FrontendClientSettings_AreValidatedUnderItsSection() =>
        Assert.Contains("Bff:Frontends:admin:Scopes must include openid.", Errors(Settings(("Bff:Frontends:admin:Scopes:0", "profile"))));

    [Fact]
    public void FrontendOnThePublicOrigin_NamesIt() =>
        Assert.Contains(Errors(Settings(("Bff:PublicOrigin", "https://admin.example"))), e => e.StartsWith("Bff:Frontends:admin:Origin is Bff:PublicOrigin", StringComparison.Ordinal));
}
