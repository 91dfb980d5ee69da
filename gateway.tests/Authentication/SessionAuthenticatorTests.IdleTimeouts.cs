using Bff.Authentication;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Authentication;

/// <summary>When a session's use is written back: by its own idle timeout (its frontend's), not the top-level one.</summary>
public sealed partial class SessionAuthenticatorTests
{
    [Fact]
    public async Task OwnIdleTimeoutShorterThanTheTopLevels_TouchesAfterAQuarterOfIt()
    {
        var (value, id) = await CreateSessionWithIdleTimeoutAsync(TimeSpan.FromMinutes(2));
        _time.Advance(TimeSpan.FromSeconds(30));

        await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.Equal(_time.GetUtcNow(), (await _store.GetAsync(id, default))!.LastSeenAt);
    }

    [Fact]
    public async Task OwnIdleTimeoutLongerThanTheTopLevels_WrittenBackOncePerSlidingWriteInterval()
    {
        _options.Session.IdleTimeout = TimeSpan.FromSeconds(4);
        var authenticator = new SessionAuthenticator(_store, _cookie, TestSessionTerminator.Create(_store, _time), Options.Create(_options), _time);
        var (value, id) = await CreateSessionWithIdleTimeoutAsync(TimeSpan.FromMinutes(30));
        var created = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));

        await authenticator.AuthenticateAsync(WithCookie(value));

        Assert.Equal(created, (await _store.GetAsync(id, default))!.LastSeenAt);
    }

    private async Task<(string CookieValue, string Id)> CreateSessionWithIdleTimeoutAsync(TimeSpan idleTimeout)
    {
        var now = _time.GetUtcNow();
        var (session, secret) = TestSessions.NewWithSecret("alice", now);
        await _store.CreateAsync(session with { Frontend = "admin", IdleTimeout = idleTimeout }, default);
        return (_cookie.Protect(secret), session.Id);
    }
}
