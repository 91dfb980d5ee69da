using Bff.Configuration;
using Bff.Http;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Configuration;

public class BffOptionsValidatorTests
{
    private static BffOptions Valid() => new()
    {
        Authority = "https://idp.example",
        ClientId = "bff",
        ClientSecret = "secret",
    };

    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new BffOptions();
        Assert.True(options.RequireHttpsMetadata);
        Assert.Equal(["openid", "profile", "offline_access"], options.EffectiveScopes);
        Assert.Equal("__Host-bff", options.Cookie.Name);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Session.IdleTimeout);
        Assert.Equal(TimeSpan.FromDays(1), options.Session.AbsoluteLifetime);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Session.CacheDuration);
        Assert.False(options.Session.AllowInMemoryStore);
        Assert.Equal(100, options.Session.MaxSessionsPerUser);
        Assert.Equal(0, options.Session.RevocationReplicas);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Tokens.RefreshBeforeExpiry);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Tokens.IdpTimeout);
        Assert.Equal(64, options.Tokens.IdpMaxConcurrentCalls);
        Assert.Equal(32, options.Tokens.IdpMaxConcurrentLoginCalls);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SessionStoreTimeout);
        Assert.Equal("bff", options.Redis.KeyPrefix);
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        Assert.True(new BffOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    public static TheoryData<string, Action<BffOptions>> InvalidCases => new()
    {
        { "Bff:Authority", o => o.Authority = null },
        { "Bff:Authority", o => o.Authority = "not a url" },
        { "Bff:Authority", o => o.Authority = "http://idp.example" },
        { "Bff:ClientId", o => o.ClientId = "" },
        { "Bff:ClientSecret", o => o.ClientSecret = null },
        { "Bff:PublicOrigin", o => o.PublicOrigin = "https://app.example/path" },
        { "Bff:PublicOrigin", o => o.PublicOrigin = "app.example" },
        { "Bff:Scopes", o => o.Scopes = ["profile"] },
        { "Bff:Cookie:Name", o => o.Cookie.Name = " " },
        { "Bff:Cookie:SameSite", o => o.Cookie.SameSite = SameSiteMode.None },
        { "Bff:Session:IdleTimeout", o => o.Session.IdleTimeout = TimeSpan.Zero },
        { "Bff:Session:AbsoluteLifetime", o => o.Session.AbsoluteLifetime = TimeSpan.FromSeconds(-1) },
        { "Bff:Session:IdleTimeout", o => o.Session.IdleTimeout = TimeSpan.FromDays(2) },
        { "Bff:Session:CacheDuration", o => o.Session.CacheDuration = TimeSpan.FromSeconds(-1) },
        { "Bff:Session:MaxSessionsPerUser", o => o.Session.MaxSessionsPerUser = 0 },
        { "Bff:Session:MaxSessionsPerUser", o => o.Session.MaxSessionsPerUser = 10_001 },
        { "Bff:Session:RevocationReplicas", o => o.Session.RevocationReplicas = -1 },
        { "Bff:Session:RevocationReplicas", o => o.Session.RevocationReplicas = 17 },
        { "Bff:Session:CacheMaxEntries", o => o.Session.CacheMaxEntries = 0 },
        { "Bff:Session:CacheMaxEntries", o => o.Session.CacheMaxEntries = 10_000_001 },
        { "Bff:Tokens:IdpTimeout", o => o.Tokens.IdpTimeout = TimeSpan.Zero },
        { "Bff:Tokens:IdpTimeout", o => o.Tokens.IdpTimeout = TimeSpan.FromMilliseconds(5) },
        { "Bff:Tokens:IdpTimeout", o => o.Tokens.IdpTimeout = TimeSpan.FromDays(2) },
        { "Bff:Tokens:IdpMaxConcurrentCalls", o => o.Tokens.IdpMaxConcurrentCalls = 0 },
        { "Bff:Tokens:IdpMaxConcurrentLoginCalls", o => o.Tokens.IdpMaxConcurrentLoginCalls = -1 },
        { "Bff:Tokens:RefreshBeforeExpiry", o => o.Tokens.RefreshBeforeExpiry = TimeSpan.FromSeconds(-5) },
        { "Bff:SessionStoreTimeout", o => o.SessionStoreTimeout = TimeSpan.Zero },
        { "Bff:ShutdownDelay", o => o.ShutdownDelay = TimeSpan.FromSeconds(-1) },
        { "Bff:ShutdownDelay", o => o.ShutdownDelay = TimeSpan.FromMinutes(2) },
        { "Bff:DataProtection:CertificatePath", o => o.DataProtection.CertificatePath = "/nonexistent/cert.pfx" },
        { "Bff:Redis:KeyPrefix", o => o.Redis.KeyPrefix = "" },
        { "Bff:Redis:KeyPrefix", o => o.Redis.KeyPrefix = "bff}{x" },
        { "Bff:Redis:KeyPrefix", o => o.Redis.KeyPrefix = "a b" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidValue_FailsNamingTheKey(string key, Action<BffOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);

        var result = new BffOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HttpAuthorityWithoutHttpsRequirement_Succeeds()
    {
        var options = Valid();
        options.Authority = "http://127.0.0.1:5010";
        options.RequireHttpsMetadata = false;
        Assert.True(new BffOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("https://app.example", true)]
    [InlineData("https://app.example/", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("https://app.example/spa", false)]
    [InlineData("https://user@app.example", false)]
    [InlineData("ftp://app.example", false)]
    [InlineData("https://app.example?x=1", false)]
    public void IsOrigin_Table(string value, bool expected)
    {
        Assert.Equal(expected, BffOptionsValidator.IsOrigin(value));
    }
}
