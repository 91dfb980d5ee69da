
using Bff.Idp;
namespace Bff.Tokens;

/// <summary>For the single-instance in-memory mode: nothing to share, the manager's own copy is enough.</summary>
internal sealed class LocalTokenCache : ISharedTokenCache
{
    public Task<TokenSet?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<TokenSet?>(null);

    public Task SetAsync(string key, TokenSet tokens, TimeSpan lifetime, CancellationToken cancellationToken) => Task.CompletedTask;
}
