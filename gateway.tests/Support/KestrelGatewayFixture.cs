using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Support;

/// <summary>
/// The gateway on a real Kestrel at 127.0.0.1 (a random port), for what only a real server does: its
/// request limits and the headers it writes itself.
/// </summary>
public sealed class KestrelGatewayFixture : IAsyncLifetime
{
    internal WireMockServer Upstream { get; private set; } = null!;

    internal GatewayFactory Factory { get; private set; } = null!;

    internal HttpClient Client { get; private set; } = null!;

    internal int Port { get; private set; }

    public Task InitializeAsync()
    {
        Upstream = WireMockServer.Start();
        Upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Server", "upstream/1.0").WithBody("{\"ok\":true}"));

        Factory = new GatewayFactory(GatewayFactory.BaseSettings(Upstream.Url + "/"));
        Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        var address = Factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Port = new Uri(address).Port;
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Upstream.Stop();
    }

    internal Task<TestSession> CreateSessionAsync(string subject) => TestSessions.SeedAsync(Factory.Services, subject);
}
