using Bff.Idp;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bff.Tests.Idp;

/// <summary>
/// The IdP client's pipeline: a call the IdP does not answer within <c>Bff:Tokens:IdpTimeout</c> (headers or body)
/// fails inside the circuit breaker, so a hanging IdP opens it; a caller that gives up never does. Time is fake.
/// </summary>
public sealed class IdpPipelineTests : IAsyncLifetime
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private readonly TestIdpClient _idp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _idp.DisposeAsync().AsTask();

    [Fact]
    public async Task HangingIdp_TimeoutsOpenTheCircuit_ThenCallsFailWithoutReachingIt_UntilItAnswersAgain()
    {
        for (var i = 1; i <= 5; i++)
        {
            var call = _idp.SendAsync(IdpCallKind.Session);
            await _idp.CallsReachedAsync(i);
            _idp.Time.Advance(TestIdpClient.IdpTimeout);
            await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(Hang));
        }

        Assert.Equal([BffEventIds.IdpCircuitOpened], _idp.EventIds);
        Assert.Contains(("bff.idp.circuit.changes", "open"), _idp.Measurements);

        // Open: answered at once, the IdP never asked.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => _idp.SendAsync(IdpCallKind.Session).WaitAsync(Hang));
        Assert.Equal(5, _idp.Calls);

        // After the break one call tries the IdP; its answer closes the circuit.
        _idp.Answer = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        _idp.Time.Advance(TimeSpan.FromSeconds(5));
        using var answered = await _idp.SendAsync(IdpCallKind.Session).WaitAsync(Hang);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(6, _idp.Calls);
        Assert.Equal([BffEventIds.IdpCircuitOpened, BffEventIds.IdpCircuitHalfOpened, BffEventIds.IdpCircuitClosed], _idp.EventIds);
    }

    [Fact]
    public async Task CallerGivesUp_NeverCountsAgainstTheIdp()
    {
        for (var i = 1; i <= 10; i++)
        {
            using var caller = new CancellationTokenSource();
            var call = _idp.SendAsync(IdpCallKind.Session, caller.Token);
            await _idp.CallsReachedAsync(i);
            caller.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Hang));
        }

        _idp.Answer = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        using var answered = await _idp.SendAsync(IdpCallKind.Session).WaitAsync(Hang);

        Assert.Equal(11, _idp.Calls);
        Assert.DoesNotContain(BffEventIds.IdpCircuitOpened, _idp.EventIds);
    }

    [Fact]
    public async Task BodyThatStalls_TimesOutLikeNoAnswer()
    {
        _idp.Answer = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StalledContent() });

        var call = _idp.SendAsync(IdpCallKind.Session);
        await _idp.CallsReachedAsync(1);
        _idp.Time.Advance(TestIdpClient.IdpTimeout);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(Hang));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public async Task IdpAnswers_OnlyServerErrorsOpenTheCircuit(HttpStatusCode status, bool opens)
    {
        _idp.Answer = (_, _) => Task.FromResult(new HttpResponseMessage(status));
        for (var i = 0; i < 5; i++)
        {
            using var response = await _idp.SendAsync(IdpCallKind.Session).WaitAsync(Hang);
            Assert.Equal(status, response.StatusCode);
        }

        Assert.Equal(opens, _idp.EventIds.Contains(BffEventIds.IdpCircuitOpened));
    }

    /// <summary>Headers sent, then a body that never comes.</summary>
    private sealed class StalledContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
