namespace Bff.Routes;

/// <summary>Which token a proxied route sends upstream (route metadata <c>Bff.AccessToken</c>).</summary>
public enum AccessTokenMode
{
    /// <summary>A session is required; its access token is sent.</summary>
    User,

    /// <summary>The user's token when there is a session, nothing otherwise.</summary>
    UserOptional,

    /// <summary>A client-credentials token of the gateway itself.</summary>
    Client,

    /// <summary>No token.</summary>
    None,

    // Last, so the values above keep their numbers for code compiled against them.
    /// <summary>The user's token when there is a session, the gateway's client-credentials token otherwise.</summary>
    UserOrClient,
}
