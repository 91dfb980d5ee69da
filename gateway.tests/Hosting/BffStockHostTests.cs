using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Hosting;

/// <summary>
/// What the stock host's composition registers, beyond what a request shows. <c>IHttpContextAccessor</c> is the
/// host's to choose: once one is registered, ASP.NET Core stops reusing each connection's <c>HttpContext</c> and
/// the accessor sets an async local on every request, so the gateway leaves it out and every request of the host
/// is spared that.
/// </summary>
public sealed class BffStockHostTests
{
    private static WebApplicationBuilder StockHostBuilder(string? redis)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.Configuration["ConnectionStrings:Redis"] = redis;
        builder.AddBffStockHost();
        return builder;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1:9")]
    public void AddBffStockHost_RegistersNoHttpContextAccessor(string? redis)
    {
        var builder = StockHostBuilder(redis);

        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(IHttpContextAccessor));
    }

    [Fact]
    public async Task StockHost_Built_HasNoHttpContextAccessor()
    {
        await using var app = StockHostBuilder(redis: null).Build();

        // What hosting asks when it decides whether to reuse the connection's HttpContext.
        Assert.Null(app.Services.GetService<IHttpContextAccessor>());
    }
}
