using Bff.Idp;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Net;

namespace Bff.Tests.Endpoints;

/// <summary>
/// The back-channel logout cases whose outcome rests on the session store (its indexes by user and by IdP
/// session, and the jti replay cache beside it), run once per store: the in-memory one in
/// <see cref="BackchannelLogoutEndpointTests"/>, Redis under Integration/Endpoints.
/// </summary>
public abstract class BackchannelLogoutAcrossStores : IDisposable
{
    protected const string EndpointPath = "/bff/backchannel-logout";

    /// <summary>Whether the host keeps its sessions (and the replay cache) in the run's shared Redis.</summary>
    protected abstract bool UsesRedis { get; }

    private protected FakeOidcProvider Idp { get; } = new();

    public void Dispose() => Idp.Dispose();

    [Fact]
    public async Task ValidTokenWithSid_EndsOnlyThatIdpSessionsSessions()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var user = Unique("alice");
        var sid = Unique("sid");
        var (first, b1) = await host.SeedSessionAsync(user, sid);
        var (second, b2) = await host.SeedSessionAsync(user, sid);
        var (other, b3) = await host.SeedSessionAsync(user, Unique("sid"));
        using var _1 = b1;
        using var _2 = b2;
        using var _3 = b3;

        using var response = await PostAsync(host, Idp.LogoutToken(user, sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(await host.IsAliveAsync(first.Id));
        Assert.False(await host.IsAliveAsync(second.Id));
        Assert.True(await host.IsAliveAsync(other.Id));
        using var user1 = await b1.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, user1.StatusCode);
    }

    [Fact]
    public async Task ValidTokenWithSubOnly_EndsEveryOneOfTheUsersSessions()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var user = Unique("alice");
        var (first, b1) = await host.SeedSessionAsync(user, Unique("sid"));
        var (second, b2) = await host.SeedSessionAsync(user, Unique("sid"));
        var (bob, b3) = await host.SeedSessionAsync(Unique("bob"), Unique("sid"));
        using var _1 = b1;
        using var _2 = b2;
        using var _3 = b3;

        using var response = await PostAsync(host, Idp.LogoutToken(user, sid: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await host.IsAliveAsync(first.Id));
        Assert.False(await host.IsAliveAsync(second.Id));
        Assert.True(await host.IsAliveAsync(bob.Id));
    }

    [Fact]
    public async Task ReplayedJti_400AndNothingEnded()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var user = Unique("alice");
        var sid = Unique("sid");
        var (first, b1) = await host.SeedSessionAsync(user, sid);
        using var _1 = b1;
        var token = Idp.LogoutToken(user, sid);
        using var signals = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), BffTelemetry.MeterName, "bff.security.events");
        using (var accepted = await PostAsync(host, token))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Assert.False(await host.IsAliveAsync(first.Id));
        Assert.Empty(Raised(signals));

        // A later login from the same IdP session must not be ended by a replay of the old token.
        var (second, b2) = await host.SeedSessionAsync(user, sid);
        using var _2 = b2;
        using var replayed = await PostAsync(host, token);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.True(await host.IsAliveAsync(second.Id));
        Assert.Equal(["backchannel_replay"], Raised(signals));
    }

    private protected static async Task<HttpResponseMessage> PostAsync(OidcGatewayHost host, string token)
    {
        // As an IdP sends it: no cookies, no CSRF header, no Origin.
        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        return await client.PostAsync(EndpointPath, new FormUrlEncodedContent([new("logout_token", token)]));
    }

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string[] Raised(MetricCollector<long> signals) =>
        [.. signals.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => (string)m.Tags["kind"]!)];
}
