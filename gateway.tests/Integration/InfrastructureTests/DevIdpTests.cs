using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit;

namespace Bff.Tests.Integration.InfrastructureTests;

[Trait("Category", "Integration")]
public sealed class DevIdpTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Serves_discovery_with_its_issuer_and_its_client_can_get_a_token()
    {
        await using var idp = await DevIdp.StartAsync();

        Assert.Equal($"http://127.0.0.1:{idp.Port}", idp.Issuer);
        using var discovery = JsonDocument.Parse(await Http.GetStringAsync(idp.DiscoveryUri));
        Assert.Equal(idp.Issuer, discovery.RootElement.GetProperty("issuer").GetString());
        Assert.StartsWith(idp.Issuer + "/", discovery.RootElement.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
        Assert.Contains("IdP listening on " + idp.Issuer, idp.Output.ToString(), StringComparison.Ordinal);

        // The credentials the fixture reports are the ones the IdP was started with.
        using var token = await Http.PostAsync(
            discovery.RootElement.GetProperty("token_endpoint").GetString(),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = idp.ClientId,
                ["client_secret"] = idp.ClientSecret,
            }));
        Assert.NotEqual(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.DoesNotContain("invalid_client", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_makes_it_unreachable_and_restart_brings_back_the_same_issuer()
    {
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions { ClientSecret = "another-secret" });
        Assert.Equal("another-secret", idp.ClientSecret);

        await idp.KillAsync();
        Assert.False(idp.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync(idp.DiscoveryUri));

        await idp.RestartAsync();
        using var discovery = JsonDocument.Parse(await Http.GetStringAsync(idp.DiscoveryUri));
        Assert.Equal(idp.Issuer, discovery.RootElement.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task A_bad_setting_fails_start_up_with_the_idp_output()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            DevIdp.StartAsync(new DevIdpOptions { ExtraEnvironment = { ["IDP_ACCESS_TOKEN_TTL"] = "soon" } }));
        Assert.Contains("IDP_ACCESS_TOKEN_TTL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_packages_are_installed_outside_the_repository()
    {
        var directory = Path.GetFullPath(await DevIdpPackages.DirectoryAsync());

        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "oidc-provider")), directory);
        Assert.False(directory.StartsWith(RepoPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal), directory);
    }

    [Fact]
    public async Task Without_its_packages_it_exits_naming_where_they_belong()
    {
        var empty = Directory.CreateTempSubdirectory("bff-idp-packages-");
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.IdpDirectory, "server.mjs")])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["BFF_IDP_PACKAGES"] = empty.FullName, ["IDP_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture) },
            };
            using var node = Process.Start(start)!;
            // An IdP that starts anyway would serve forever: bounded, only to catch that.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var kill = timeout.Token.Register(() => node.Kill(entireProcessTree: true));
            var error = await node.StandardError.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);

            Assert.Equal(2, node.ExitCode);
            Assert.Contains($"its npm packages are not installed in {empty.FullName}{Path.DirectorySeparatorChar}", error, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
