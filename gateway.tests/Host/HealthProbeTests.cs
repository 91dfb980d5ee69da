using Bff.Host;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Host;

public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/healthz")]
    [InlineData("", "http://127.0.0.1:8080/healthz")]
    [InlineData("5081", "http://127.0.0.1:5081/healthz")]
    [InlineData("5081;5082", "http://127.0.0.1:5081/healthz")]
    [InlineData("nonsense", "http://127.0.0.1:8080/healthz")]
    public void DefaultUrl_FromAspNetCoreHttpPorts(string? ports, string expected) =>
        Assert.Equal(expected, HealthProbe.DefaultUrl(ports));

    [Theory]
    [InlineData(new[] { "--healthcheck" }, true)]
    [InlineData(new[] { "--healthcheck", "http://127.0.0.1:1/healthz" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5080" }, false)]
    [InlineData(new string[0], false)]
    public void IsRequested_OnlyAsFirstArgument(string[] args, bool expected) =>
        Assert.Equal(expected, HealthProbe.IsRequested(args));

    [Theory]
    [InlineData(200, 0)]
    [InlineData(503, 1)]
    public async Task Run_ExitCodeFollowsStatus(int status, int exitCode)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/healthz")).RespondWith(Response.Create().WithStatusCode(status));

        Assert.Equal(exitCode, await HealthProbe.RunAsync(["--healthcheck", server.Url + "/healthz"]));
    }

    [Fact]
    public async Task Run_NothingListening_1() =>
        Assert.Equal(1, await HealthProbe.RunAsync(["--healthcheck", "http://127.0.0.1:9/healthz"]));
}
