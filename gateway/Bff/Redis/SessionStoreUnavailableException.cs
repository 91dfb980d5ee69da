namespace Bff.Redis;

/// <summary>The session store failed or was too slow; the request is answered with 503.</summary>
internal sealed class SessionStoreUnavailableException(string message, Exception? inner = null)
    : Exception(message, inner);
