using Bff.Configuration;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Net;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Idp;

/// <summary>
/// The IdP client in the gateway, on a fake clock: an IdP that accepts connections and never answers opens the
/// circuit breaker, after which requests that need a refresh are answered 503 without another connection; and a
/// flood of logins, refused beyond their own bound, leaves refreshes their capacity.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class IdpClientHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdpTimeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CapturingLoggerProvider _logs = new();
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly HangingTcpIdp _hanging = new();
    private GatewayFactory? _gateway;

    public Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Calls still waiting on the hung IdP fail first: the gateway's shutdown waits for them.
        _hanging.DropAll();
        if (_gateway is not null)
        {
            await _time.DriveDisposalAsync(_gateway.DisposeAsync);
        }

        _hanging.Dispose();
        _upstream.Stop();
    }

    [Fact]
    public async Task HangingIdp_TimeoutsOpenTheBreaker_ThenRefreshes503WithoutConnecting()
    {
        var idp = _hanging;
        var configuration = new OpenIdConnectConfiguration { Issuer = idp.Url.ToString(), TokenEndpoint = idp.Url + "token" };
        var gateway = Start(configuration);
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var cookie = await ExpiredSessionAsync(gateway);

        // Each refresh waits out IdpTimeout on a connection the IdP accepted and never answers.
        for (var i = 1; i <= 5; i++)
        {
            var pending = client.SendAsync(Api(cookie));
            await idp.AskedAsync(i);
            _time.Advance(IdpTimeout);
            using var timedOut = await pending.WaitAsync(Hang);
            await ProblemAssert.IsProblemAsync(timedOut, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
        }

        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.IdpCircuitOpened);

        // Open: answered at once, with no connection attempted, and nothing forwarded with an expired token.
        using var fast = await client.SendAsync(Api(cookie)).WaitAsync(Hang);
        await ProblemAssert.IsProblemAsync(fast, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
        Assert.NotNull(fast.Headers.RetryAfter);
        Assert.Equal(5, idp.Accepted);
        Assert.Empty(_upstream.LogEntries);

        // After the break the gateway tries the IdP again, once.
        _time.Advance(TimeSpan.FromSeconds(5));
        var probe = client.SendAsync(Api(cookie));
        await idp.AskedAsync(6);
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.IdpCircuitHalfOpened);
        _time.Advance(IdpTimeout);
        using var probed = await probe.WaitAsync(Hang);
        await ProblemAssert.IsProblemAsync(probed, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
    }

    [Fact]
    public async Task LoginFlood_RefusedBeyondItsBound_RefreshesStillGoThrough()
    {
        // The pushed authorization request goes to an IdP that holds it; the token endpoint answers.
        var par = _hanging;
        using var idp = new FakeOidcProvider();
        idp.RespondTokens("at-new", "rt-new");
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = idp.Issuer,
            AuthorizationEndpoint = idp.AuthorizationEndpoint,
            PushedAuthorizationRequestEndpoint = par.Url + "par",
            TokenEndpoint = idp.TokenEndpoint,
        };
        var gateway = Start(configuration, new() { ["Bff:Tokens:IdpMaxConcurrentLoginCalls"] = "2" });
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var cookie = await ExpiredSessionAsync(gateway);

        var held = new[] { client.GetAsync("/bff/login"), client.GetAsync("/bff/login") };
        await par.AskedAsync(2);

        for (var i = 0; i < 20; i++)
        {
            using var refused = await client.GetAsync("/bff/login").WaitAsync(Hang);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.Equal(2, par.Accepted);

        // The flood has not taken the refresh's turn.
        using var proxied = await client.SendAsync(Api(cookie)).WaitAsync(Hang);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Contains("refresh_token=refresh-alice", Assert.Single(idp.TokenRequests), StringComparison.Ordinal);
        Assert.Equal("Bearer at-new", Assert.Single(_upstream.LogEntries).RequestMessage.Headers!["Authorization"].Single());

        par.DropAll();
        foreach (var login in held)
        {
            using var failed = await login.WaitAsync(Hang);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }
    }

    private GatewayFactory Start(OpenIdConnectConfiguration idp, Dictionary<string, string?>? settings = null)
    {
        idp.TokenEndpointAuthMethodsSupported.Add("client_secret_post");
        var all = GatewayFactory.BaseSettings(_upstream.Url + "/");
        all["Bff:Authority"] = idp.Issuer.TrimEnd('/');
        all["Bff:Tokens:IdpTimeout"] = IdpTimeout.ToString();
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var factory = new GatewayFactory(all, configureServices: services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddLogging(logging => logging.AddProvider(_logs));

            // The IdP's endpoints as the test names them, with no discovery request to reach them.
            services.PostConfigure<OpenIdConnectOptions>(BffSessionDefaults.OidcScheme, options =>
            {
                options.Configuration = idp;
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(idp);
            });
        });
        _ = factory.Server;
        return _gateway = factory;
    }

    // A session whose access token has expired: every proxied request of it needs a refresh first.
    private static async Task<string> ExpiredSessionAsync(GatewayFactory gateway) =>
        (await TestSessions.SeedAsync(gateway.Services, "alice", session => session with
        {
            Tokens = session.Tokens with { AccessTokenExpiresAt = session.CreatedAt - TimeSpan.FromMinutes(1) },
        })).Cookie;

    private static HttpRequestMessage Api(string cookie) => new(HttpMethod.Get, "/api/data")
    {
        Headers = { { "X-CSRF", "1" }, { "Cookie", cookie } },
    };
}
