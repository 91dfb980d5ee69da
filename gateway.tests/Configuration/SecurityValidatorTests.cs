using Bff.Configuration;
using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Configuration;

public sealed class SecurityValidatorTests
{
    [Fact]
    public async Task AddBff_ValidatesTheSecuritySection()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.Configuration["Bff:Security:WebhookUrl"] = "https://hooks.example/bff";
        builder.AddBff().AddInMemorySessions();
        await using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<BffOptions>>().Value);

        Assert.Contains("Bff:Security:WebhookSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_Valid() => Assert.True(new SecurityValidator().Validate(null, new BffOptions()).Succeeded);

    [Theory]
    [InlineData("https://hooks.example/bff")]
    [InlineData("http://127.0.0.1:9000/hook")]
    public void Webhook_WithItsSecret_Valid(string url)
    {
        var options = new BffOptions { Security = { WebhookUrl = url, WebhookSecret = new string('s', 16) } };

        Assert.True(new SecurityValidator().Validate(null, options).Succeeded);
    }

    public static TheoryData<string, Action<BffSecurityOptions>> InvalidCases => new()
    {
        { "Bff:Security:WebhookUrl", o => (o.WebhookUrl, o.WebhookSecret) = ("http://hooks.example/bff", new string('s', 16)) },
        { "Bff:Security:WebhookUrl", o => (o.WebhookUrl, o.WebhookSecret) = ("hooks.example", new string('s', 16)) },
        { "Bff:Security:WebhookUrl", o => (o.WebhookUrl, o.WebhookSecret) = ("https://user:pw@hooks.example/", new string('s', 16)) },
        { "Bff:Security:WebhookSecret is required", o => (o.WebhookUrl, o.WebhookSecret) = ("https://hooks.example/", "short") },
        { "Bff:Security:WebhookSecret needs", o => o.WebhookSecret = new string('s', 16) },
        { "Bff:Security:WebhookQueueCapacity", o => o.WebhookQueueCapacity = 0 },
        { "Bff:Security:InvalidCookieBurst", o => o.InvalidCookieBurst = 0 },
        { "Bff:Security:CsrfRejectionBurst", o => o.CsrfRejectionBurst = 2_000_000 },
        { "Bff:Security:NewDeviceWindow", o => o.NewDeviceWindow = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_NamesTheKey(string expected, Action<BffSecurityOptions> configure)
    {
        var options = new BffOptions();
        configure(options.Security);

        var result = new SecurityValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
