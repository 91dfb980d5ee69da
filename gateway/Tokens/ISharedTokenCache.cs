using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>Where instances share the gateway's own (client-credentials) tokens.</summary>
internal interface ISharedTokenCache
{
    Task<SessionTokens?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, SessionTokens tokens, TimeSpan lifetime, CancellationToken cancellationToken);
}
