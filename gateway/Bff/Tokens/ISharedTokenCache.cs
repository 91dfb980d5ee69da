
using Bff.Idp;
namespace Bff.Tokens;

/// <summary>Where instances share the gateway's own (client-credentials) tokens.</summary>
internal interface ISharedTokenCache
{
    Task<TokenSet?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, TokenSet tokens, TimeSpan lifetime, CancellationToken cancellationToken);
}
