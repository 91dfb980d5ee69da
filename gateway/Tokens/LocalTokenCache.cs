using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>For the single-instance in-memory mode: nothing to share, the manager's own copy is enough.</summary>
internal sealed class LocalTokenCache : ISharedTokenCache
{
    public Task<SessionTokens?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<SessionTokens?>(null);

    public Task SetAsync(string key, SessionTokens tokens, TimeSpan lifetime, CancellationToken cancellationToken) => Task.CompletedTask;
}
