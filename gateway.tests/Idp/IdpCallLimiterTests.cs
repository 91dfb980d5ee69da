using Bff.Idp;
using Bff.Tests.Support;
using System.Net;
using Polly.RateLimiting;

namespace Bff.Tests.Idp;

/// <summary>
/// The bulkhead of the IdP client: login calls have a bound of their own, and calls beyond it are refused at once;
/// the calls that keep sessions going keep their own capacity whatever the logins do, and wait their turn rather
/// than fail.
/// </summary>
public sealed class IdpCallLimiterTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly TestIdpClient _idp = new(tokens =>
    {
        tokens.IdpMaxConcurrentLoginCalls = 2;
        tokens.IdpMaxConcurrentCalls = 1;
    });

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IdpCallLimiterTests() =>
        // Calls to /held wait until the test releases them; the others are answered at once.
        _idp.Answer = async (request, cancellationToken) =>
        {
            if (request.RequestUri!.AbsolutePath == "/held")
            {
                await _release.Task.WaitAsync(cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _idp.DisposeAsync().AsTask();

    [Fact]
    public async Task LoginFlood_RefusedAtOnceBeyondItsBound_RefreshesStillReachTheIdp()
    {
        var held = new[] { _idp.SendAsync(IdpCallKind.Login, path: "/held"), _idp.SendAsync(IdpCallKind.Login, path: "/held") };
        await _idp.CallsReachedAsync(2);

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<RateLimiterRejectedException>(() => _idp.SendAsync(IdpCallKind.Login).WaitAsync(Hang));
        }

        Assert.Equal(2, _idp.Calls);
        Assert.Equal(20, _idp.Measurements.Count(m => m == ("bff.idp.calls.rejected", "login")));

        using var refresh = await _idp.SendAsync(IdpCallKind.Session).WaitAsync(Hang);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(3, _idp.Calls);

        _release.SetResult();
        foreach (var login in held)
        {
            using var response = await login.WaitAsync(Hang);
        }
    }

    [Fact]
    public async Task SessionCallsBeyondTheirBound_WaitTheirTurn_NotRefused()
    {
        var first = _idp.SendAsync(IdpCallKind.Session, path: "/held");
        await _idp.CallsReachedAsync(1);

        var second = _idp.SendAsync(IdpCallKind.Session);
        await Eventually.TrueAsync(() => _idp.Limiter.StatisticsOf(IdpCallKind.Session)!.CurrentQueuedCount == 1, Hang, "the second call to wait");

        Assert.False(second.IsCompleted);
        Assert.Equal(1, _idp.Calls);
        _release.SetResult();
        using var firstResponse = await first.WaitAsync(Hang);
        using var secondResponse = await second.WaitAsync(Hang);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.DoesNotContain(_idp.Measurements, m => m.Instrument == "bff.idp.calls.rejected");
    }

    [Fact]
    public async Task UnmarkedCalls_OidcHandlersPostsAreLogins_ItsGetsAreNot()
    {
        var held = new[] { _idp.SendAsync(IdpCallKind.Login, path: "/held"), _idp.SendAsync(IdpCallKind.Login, path: "/held") };
        await _idp.CallsReachedAsync(2);

        // A POST the OIDC handler sends itself (PAR, code exchange) counts against the logins' bound ...
        await Assert.ThrowsAsync<RateLimiterRejectedException>(() => _idp.SendAsync(kind: null).WaitAsync(Hang));

        // ... its GETs (discovery, signing keys) do not: every session needs them.
        using var discovery = await _idp.SendAsync(kind: null, method: HttpMethod.Get, path: "/.well-known/openid-configuration").WaitAsync(Hang);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);

        _release.SetResult();
        await Task.WhenAll(held).WaitAsync(Hang);
    }

    [Theory]
    [InlineData("login", "POST", "login")]
    [InlineData("session", "POST", "session")]
    [InlineData("login", "GET", "login")]
    [InlineData(null, "POST", "login")]
    [InlineData(null, "GET", "session")]
    public void KindOf_MarkedOrByMethod(string? marked, string method, string expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://idp.test/");
        if (marked is not null)
        {
            IdpCallLimiter.Mark(request, marked == "login" ? IdpCallKind.Login : IdpCallKind.Session);
        }

        Assert.Equal(expected, IdpCallLimiter.NameOf(IdpCallLimiter.KindOf(request)));
    }
}
