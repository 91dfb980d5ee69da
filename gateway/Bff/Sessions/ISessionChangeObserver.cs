namespace Bff.Sessions;

/// <summary>
/// Told when any instance announces that a session changed: its tokens were written, it ended, or the refresh
/// lock that guards it was released. The session layer owns this seam so that layers above it (token refresh
/// waits for another instance's refresh) hear about changes without the session layer knowing them.
/// </summary>
internal interface ISessionChangeObserver
{
    /// <summary>Called on the subscription's thread: implementations return at once.</summary>
    void OnSessionChanged(string sessionId);
}
