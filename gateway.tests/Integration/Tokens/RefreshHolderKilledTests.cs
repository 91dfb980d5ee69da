using Bff.Tests.Integration.Infrastructure;
using System.Net;
using System.Text.Json;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// A gateway process killed while it holds a session's refresh lock and waits on the IdP: whether its grant reached
/// the IdP is unknown, and another instance must take over with the same refresh token, whatever the IdP says then.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RefreshHolderKilledTests : IAsyncLifetime
{
    private RefreshGateways _env = null!;

    public async Task InitializeAsync() => _env = await RefreshGateways.CreateAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task HolderKilledMidRefresh_AnotherInstanceRetriesSameToken_InvalidGrantEndsSessionCleanly()
    {
        var (id, cookie) = await KillHolderMidRefreshAsync();

        // Whether the dead holder's grant reached the IdP is unknown: the IdP says the token is spent.
        _env.Idp.ClearRequests();
        _env.Idp.RespondTokenError(400, "invalid_grant");
        using var response = await _env.CallAsync(_env.Gateways[1], cookie);

        // The second instance took the dead holder's expired lock and asked the IdP itself: had it waited the
        // holder out instead, it would have given up with 503 idp_unavailable and logged so.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session_expired", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.False(_env.Gateways[1].Output.Contains("Gave up waiting for another refresh"), _env.Gateways[1].Output.Tail());
        var retried = Assert.Single(_env.Idp.TokenRequests);
        Assert.Contains("refresh_token=rt-1", retried, StringComparison.Ordinal);
        Assert.Null(await _env.Seeder.ReadAsync(id));
        Assert.Empty(_env.Upstream.LogEntries);
    }

    [Fact]
    public async Task HolderKilledMidRefresh_RetryWithSameTokenSucceeds_SessionContinues()
    {
        var (id, cookie) = await KillHolderMidRefreshAsync();

        _env.Idp.ClearRequests();
        _env.Idp.RespondTokens("at-new", "rt-2");
        using var response = await _env.CallAsync(_env.Gateways[1], cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer at-new", Assert.Single(_env.ForwardedAuthorizations()));
        Assert.Equal("rt-2", (await _env.Seeder.ReadAsync(id))!.Tokens.RefreshToken);
    }

    /// <summary>
    /// Two instances; the first takes the refresh lock and waits on a slow IdP, then dies without an answer,
    /// so whether its grant reached the IdP is unknown.
    /// </summary>
    private async Task<(string Id, string Cookie)> KillHolderMidRefreshAsync()
    {
        await _env.StartAsync(2, lockLifetime: "00:00:01");
        var (id, cookie) = await _env.Seeder.CreateAsync("alice", "at-old", "rt-1", DateTimeOffset.UtcNow.AddSeconds(-5));
        _env.Idp.RespondTokens("at-lost", "rt-lost", delay: TimeSpan.FromMilliseconds(30_000));

        var doomed = _env.CallAsync(_env.Gateways[0], cookie);
        await Eventually.TrueAsync(() => _env.Seeder.Database.KeyExists($"bff:s:{{{id}}}:lock"), TimeSpan.FromSeconds(10), "the first instance to take the refresh lock",
            TimeSpan.FromMilliseconds(50));
        await _env.Gateways[0].KillAsync();
        _ = doomed.ContinueWith(t => t.Exception, TaskScheduler.Default);
        return (id, cookie);
    }
}
