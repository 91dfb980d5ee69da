namespace Bff.Tokens;

/// <summary>
/// Which refresh token of a session was last sent to the IdP, for a while after: an <c>invalid_grant</c> for a
/// token sent once before may be the IdP's answer to its own earlier rotation (a holder that died or timed out
/// before saving the result), but for a token never sent before it means someone else used it.
/// </summary>
internal interface IRefreshAttempts
{
    /// <summary>Records that <paramref name="refreshToken"/> is being sent; true when it was sent before within the window.</summary>
    Task<bool> MarkSentAsync(string sessionId, string refreshToken, CancellationToken cancellationToken);
}
