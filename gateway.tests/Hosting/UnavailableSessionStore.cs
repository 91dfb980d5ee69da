using Bff.Sessions;

namespace Bff.Tests.Hosting;

/// <summary>A session store whose every call fails as an unreachable Redis does.</summary>
internal sealed class UnavailableSessionStore : ISessionStore
{
    public Task CreateAsync(BffSession session, CancellationToken cancellationToken) => throw Down();

    public Task<BffSession?> GetAsync(string id, CancellationToken cancellationToken) => throw Down();

    public Task TouchAsync(string id, DateTimeOffset lastSeenAt, CancellationToken cancellationToken) => throw Down();

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => throw Down();

    private static SessionStoreUnavailableException Down() => new("Session store read failed.");
}
