using Bff.Tests.Integration.Infrastructure;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// Token refresh against separate gateway processes sharing one Redis (<see cref="RefreshGateways"/>): one grant for a
/// stampede across instances, a key ring that grows under load, an IdP that is down or says the grant is spent.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RefreshAcrossInstancesTests : IAsyncLifetime
{
    private RefreshGateways _env = null!;

    public async Task InitializeAsync() => _env = await RefreshGateways.CreateAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Stampede_200RequestsOver3Instances_ExactlyOneRefreshGrant()
    {
        await _env.StartAsync(3);
        var (_, cookie) = await _env.Seeder.CreateAsync("alice", "at-old", "rt-1", DateTimeOffset.UtcNow.AddSeconds(-5));
        _env.Idp.RespondTokens("at-new", "rt-2", delay: TimeSpan.FromMilliseconds(1000));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _env.CallAsync(_env.Gateways[i % 3], cookie, $"/api/data/{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var grant = Assert.Single(_env.Idp.TokenRequests);
        Assert.Contains("grant_type=refresh_token", grant, StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-1", grant, StringComparison.Ordinal);
        var forwarded = _env.ForwardedAuthorizations().ToList();
        Assert.Equal(200, forwarded.Count);
        Assert.All(forwarded, a => Assert.Equal("Bearer at-new", a));
    }

    [Fact]
    public async Task KeyAddedAfterStart_BurstOfRequestsUnderIt_AllServed()
    {
        // No more pool threads than this machine has cores, and none added under load: a request that held a
        // thread while the ring is read (as Data Protection's own Unprotect does, each request reading it
        // again under one lock) could stall the gateway, where waiting without a thread cannot. The minimum
        // is forced too: the runtime drops a forced maximum below the gateway's configured minimum.
        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        await _env.StartAsync(1, environment: new Dictionary<string, string?>
        {
            ["DOTNET_ThreadPool_ForceMinWorkerThreads"] = cores,
            ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = cores,
        });
        var (_, known) = await _env.Seeder.CreateAsync("alice", "at-a", "rt-a", DateTimeOffset.UtcNow.AddMinutes(10));
        using (var warm = await _env.CallAsync(_env.Gateways[0], known))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // The burst's cookie, and the session it names, are protected with a key the gateway has not loaded.
        _env.Seeder.AddKeyToRing();
        var cookie = known;
        await Eventually.TrueAsync(async () =>
        {
            // The seeder's own ring takes the new key as default after a background refresh.
            (_, cookie) = await _env.Seeder.CreateAsync("bob", "at-b", "rt-b", DateTimeOffset.UtcNow.AddMinutes(10));
            return KeyIdOf(cookie) != KeyIdOf(known);
        }, TimeSpan.FromSeconds(10), "the seeder to protect with the new key", TimeSpan.FromMilliseconds(50));

        // With its pool pinned to the cores, a gateway that held a thread per waiting request would not be slow
        // but stuck for good: the bound catches that hang (well before the test host's), not a speed.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _env.CallAsync(_env.Gateways[0], cookie, $"/api/data/{i}")))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(200, _env.ForwardedAuthorizations().Count(a => a == "Bearer at-b"));
    }

    [Fact]
    public async Task IdpDown_ValidTokenStillUsed_ExpiredGets503RetryAfter_SessionSurvives_ThenRecovers()
    {
        await _env.StartAsync(1);
        _env.Idp.RespondTokenError(503);

        // Inside the refresh window but still valid: used as is.
        var (_, valid) = await _env.Seeder.CreateAsync("alice", "at-valid", "rt-v", DateTimeOffset.UtcNow.AddSeconds(30));
        using (var response = await _env.CallAsync(_env.Gateways[0], valid))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("Bearer at-valid", _env.ForwardedAuthorizations().Last());

        // Expired: never forwarded; 503 with Retry-After; the session stays.
        var (id, expired) = await _env.Seeder.CreateAsync("alice", "at-expired", "rt-e", DateTimeOffset.UtcNow.AddSeconds(-5));
        using (var response = await _env.CallAsync(_env.Gateways[0], expired))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("idp_unavailable", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }

        Assert.DoesNotContain("Bearer at-expired", _env.ForwardedAuthorizations());
        Assert.NotNull(await _env.Seeder.ReadAsync(id));

        // The IdP is back (the circuit breaker may hold it off for a few seconds).
        _env.Idp.ClearRequests();
        _env.Idp.RespondTokens("at-back", "rt-back");
        await Eventually.TrueAsync(async () =>
        {
            using var response = await _env.CallAsync(_env.Gateways[0], expired);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the gateway to refresh through the IdP again", TimeSpan.FromMilliseconds(50));
        Assert.Equal("Bearer at-back", _env.ForwardedAuthorizations().Last());
    }

    [Fact]
    public async Task InvalidGrant_401SessionExpired_SessionGoneOnEveryInstance()
    {
        await _env.StartAsync(2);
        var (id, cookie) = await _env.Seeder.CreateAsync("alice", "at-old", "rt-revoked", DateTimeOffset.UtcNow.AddSeconds(-5));
        _env.Idp.RespondTokenError(400, "invalid_grant");

        using var first = await _env.CallAsync(_env.Gateways[0], cookie);
        using var second = await _env.CallAsync(_env.Gateways[1], cookie);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Single(_env.Idp.TokenRequests);
        Assert.Null(await _env.Seeder.ReadAsync(id));
        Assert.Empty(_env.Upstream.LogEntries);
    }

    /// <summary>The Data Protection key a cookie is protected with: the 16 bytes after the 4-byte magic header.</summary>
    private static Guid KeyIdOf(string cookie) => new(Base64Url.DecodeFromChars(cookie.AsSpan("__Host-bff=".Length)).AsSpan(4, 16));
}
