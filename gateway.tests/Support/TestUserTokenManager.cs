using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Support;

/// <summary>A <see cref="UserTokenManager"/> with its parts, as the container would wire them, for tests without one.</summary>
internal static class TestUserTokenManager
{
    public static UserTokenManager Create(ISessionStore store, IdpTokenClient client, IOptions<BffOptions> options, BffMetrics metrics, TimeProvider time,
        IRefreshLock? refreshLock = null, RefreshWaiters? waiters = null, IRefreshAttempts? attempts = null, ISecurityObserver? security = null)
    {
        var revoker = new RefreshTokenRevoker(client, new InMemoryRevocationQueue(), time, metrics, NullLogger<RefreshTokenRevoker>.Instance);
        var terminator = new SessionTerminator(store, revoker, metrics, [], NullLogger<SessionTerminator>.Instance);
        var refresher = new StoredTokenRefresher(store, client, terminator, options, metrics, time, NullLogger<StoredTokenRefresher>.Instance, attempts: attempts, security: security);
        waiters ??= new RefreshWaiters();
        return new UserTokenManager(refresher, refreshLock ?? new InProcessRefreshLock(waiters), waiters, options, metrics, time, NullLogger<UserTokenManager>.Instance);
    }
}
