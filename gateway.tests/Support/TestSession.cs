using Bff.Idp;
using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Support;

/// <summary>A session created the way the sign-in handler would, with the cookie that opens it.</summary>
internal sealed record TestSession(string Cookie, BffSession Session)
{
    public static async Task<TestSession> CreateAsync(IServiceProvider services, string subject)
    {
        var cookie = services.GetRequiredService<SessionCookie>();
        var store = services.GetRequiredService<ISessionStore>();
        var now = DateTimeOffset.UtcNow;
        var secret = SessionCookie.NewSecret();
        var session = new BffSession
        {
            Id = SessionCookie.HandleOf(secret),
            Subject = subject,
            Claims = [new SessionClaim("sub", subject), new SessionClaim("name", subject + " (test)")],
            Tokens = new TokenSet("access-" + subject, "refresh-" + subject, "id-" + subject, now.AddMinutes(5)),
            CreatedAt = now,
            LastSeenAt = now,
            AbsoluteExpiresAt = now.AddHours(1),
            Version = 1,
        };
        await store.CreateAsync(session, default);
        return new TestSession($"{cookie.Name}={cookie.Protect(secret)}", session);
    }

    public Task EndAsync(IServiceProvider services) =>
        services.GetRequiredService<ISessionStore>().DeleteAsync(Session.Id, default);
}
