using System.Net;
using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Bff.Tests.Hosting;

/// <summary>
/// <c>UseBff()</c> in a host of its own, with its own exception handler: a failure of the host's endpoint reaches
/// the host's handler untouched, while the gateway's requests (a local API here) still get the gateway's problem
/// documents. The gateway takes over neither the host's error handling nor its endpoints.
/// </summary>
public sealed class BffApplicationBuilderExtensionsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.AddBff().AddInMemorySessions();

        _app = builder.Build();
        _app.UseExceptionHandler(errors => errors.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status418ImATeapot;
            return context.Response.WriteAsync("the host's handler");
        }));
        _app.UseRouting();
        _app.UseBff();
        _app.MapBffEndpoints();
        _app.MapGet("/host/boom", HttpContext () => throw new InvalidOperationException("host endpoint failed"));
        _app.MapGet("/api/local/boom", HttpContext () => throw new InvalidOperationException("local API failed"))
            .AsBffLocalApi(requireSession: false);
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task HostEndpointThrows_TheHostsHandlerAnswers()
    {
        using var response = await _client.GetAsync("/host/boom");

        Assert.Equal((HttpStatusCode)StatusCodes.Status418ImATeapot, response.StatusCode);
        Assert.Equal("the host's handler", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LocalApiThrows_TheGatewaysProblemWithoutInternals()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/local/boom");
        request.Headers.Add("X-CSRF", "1");

        using var response = await _client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        await ProblemAssert.HasNoInternalsAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }
}
