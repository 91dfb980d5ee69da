using Bff.Idp;
namespace Bff.Lifecycle;

/// <summary>Remembers the <c>jti</c> of every accepted logout token for as long as the token could be accepted.</summary>
internal interface ILogoutTokenReplayCache
{
    /// <summary>True the first time a token is seen; false for a replay.</summary>
    Task<bool> TryAddAsync(LogoutToken token, CancellationToken cancellationToken);

    /// <summary>Forgets a token whose logout failed, so the IdP may send it again.</summary>
    Task RemoveAsync(LogoutToken token, CancellationToken cancellationToken);
}
