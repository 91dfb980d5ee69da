using Bff.Idp;
using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Support;

/// <summary>
/// The one way tests make a session: as the sign-in handler makes one when <c>subject</c> logs in, with the secret of
/// the cookie that opens it. A test changes what it is about with <c>with</c>, so every other field stays the same
/// everywhere.
/// </summary>
internal static class TestSessions
{
    /// <summary>How long the access token of a new session stays valid.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How long after its creation a new session ends whatever happens.</summary>
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// A new session of <paramref name="subject"/>: claims <c>sub</c> and <c>name</c> ("subject (test)"), tokens named
    /// after the subject (<c>access-alice</c>, <c>refresh-alice</c>, <c>id-alice</c>), created and last seen
    /// <paramref name="now"/> (the system clock's by default), version 1.
    /// </summary>
    public static BffSession New(string subject = "alice", DateTimeOffset? now = null) => NewWithSecret(subject, now).Session;

    /// <summary>Like <see cref="New"/>, with the secret whose protected form is the session's cookie.</summary>
    public static (BffSession Session, byte[] Secret) NewWithSecret(string subject = "alice", DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var secret = SessionCookie.NewSecret();
        var session = new BffSession
        {
            Id = SessionCookie.HandleOf(secret),
            Subject = subject,
            Claims = [new SessionClaim("sub", subject), new SessionClaim("name", subject + " (test)")],
            Tokens = new TokenSet("access-" + subject, "refresh-" + subject, at + AccessTokenLifetime),
            CreatedAt = at,
            LastSeenAt = at,
            AbsoluteExpiresAt = at + AbsoluteLifetime,
            Version = 1,
        };
        return (session, secret);
    }

    /// <summary>
    /// A new session (as <paramref name="change"/> leaves it) stored in a host's session store, on the host's clock,
    /// and the cookie that opens it there.
    /// </summary>
    public static async Task<TestSession> SeedAsync(IServiceProvider services, string subject, Func<BffSession, BffSession>? change = null)
    {
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var (session, secret) = NewWithSecret(subject, now);
        session = change?.Invoke(session) ?? session;
        await services.GetRequiredService<ISessionStore>().CreateAsync(session, default);
        var cookie = services.GetRequiredService<SessionCookie>();
        return new TestSession($"{cookie.Name}={cookie.Protect(secret)}", session);
    }
}
