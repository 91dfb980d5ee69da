using Bff.Configuration;
using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Configuration;

public sealed class RateLimitValidatorTests
{
    [Fact]
    public async Task AddBff_ValidatesTheLimits()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.Configuration["Bff:RateLimit:PerSession:PermitsPerSecond"] = "10";
        builder.Configuration["Bff:RateLimit:PerSession:Burst"] = "0";
        builder.AddBff().AddInMemorySessions();
        await using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<BffOptions>>().Value);

        Assert.Contains("Bff:RateLimit:PerSession:Burst", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_EveryLimitOff_Valid()
    {
        var options = new BffOptions();

        Assert.False(options.RateLimit.IsEnabled);
        Assert.True(new RateLimitValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void BothLimits_Valid()
    {
        var options = new BffOptions();
        options.RateLimit.PerSession.PermitsPerSecond = 0.5;
        options.RateLimit.PerSession.Burst = 1;
        options.RateLimit.PerAddress.LoginsPerMinute = 1;

        Assert.True(options.RateLimit.IsEnabled);
        Assert.True(new RateLimitValidator().Validate(null, options).Succeeded);
    }

    public static TheoryData<string, Action<BffRateLimitOptions>> InvalidCases => new()
    {
        { "Bff:RateLimit:PerSession:PermitsPerSecond", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (0, 10) },
        { "Bff:RateLimit:PerSession:PermitsPerSecond", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (-1, 10) },
        { "Bff:RateLimit:PerSession:PermitsPerSecond", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (double.NaN, 10) },
        { "Bff:RateLimit:PerSession:PermitsPerSecond", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (2_000_000, 10) },
        { "Bff:RateLimit:PerSession:Burst is required", o => o.PerSession.PermitsPerSecond = 10 },
        { "Bff:RateLimit:PerSession:Burst needs", o => o.PerSession.Burst = 10 },
        { "Bff:RateLimit:PerSession:Burst must", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (10, 0) },
        { "Bff:RateLimit:PerSession:Burst must", o => (o.PerSession.PermitsPerSecond, o.PerSession.Burst) = (10, 2_000_000) },
        { "Bff:RateLimit:PerAddress:LoginsPerMinute", o => o.PerAddress.LoginsPerMinute = 0 },
        { "Bff:RateLimit:PerAddress:LoginsPerMinute", o => o.PerAddress.LoginsPerMinute = -3 },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_FailsNamingTheKey(string expected, Action<BffRateLimitOptions> change)
    {
        var options = new BffOptions();
        change(options.RateLimit);

        var result = new RateLimitValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
