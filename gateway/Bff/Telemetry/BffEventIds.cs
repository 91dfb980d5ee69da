namespace Bff.Telemetry;

/// <summary>
/// Every log event id of the gateway, one block per feature, so an operator finds the whole list in one place
/// and a new event cannot reuse a number. docs/operations.md lists what each means and which to alert on.
/// </summary>
internal static class BffEventIds
{
    // Sign-in (Authentication)
    public const int SessionCreated = 1001;
    public const int SessionLimitReached = 1002;

    // Session store, cache and key ring (Sessions)
    public const int SessionUnreadable = 1101;
    public const int SessionStoreFailed = 1102;
    public const int InvalidationSubscribeFailed = 1111;
    public const int InvalidationSubscriptionSilent = 1112;
    public const int InvalidationSubscriptionConfirmed = 1113;
    public const int RedisUnreachable = 1114;
    public const int RedisBack = 1115;
    public const int KeyRingLoadFailed = 1120;
    public const int KeyRingReadFailed = 1121;
    public const int ActiveSessionsCountFailed = 1131;
    public const int SessionCacheRevalidationFailed = 1132;

    // The login callback (Authentication)
    public const int LoginCallbackFailed = 1201;
    public const int LoginCallbackIdpUnavailable = 1202;
    public const int LoginCallbackSessionDeleted = 1203;
    public const int LoginPromptNoneRefused = 1204;

    // Login (Endpoints)
    public const int LoginIdpUnavailable = 1301;

    // CSRF (Antiforgery)
    public const int CsrfRejected = 1401;

    // IdP discovery (Idp)
    public const int IdpDiscoveryLoaded = 1501;
    public const int IdpDiscoveryFailed = 1502;

    // Start-up (Hosting)
    public const int InMemoryStoreInUse = 1601;
    public const int KeyRingUnencrypted = 1602;

    // Ending sessions, revocation, logout (Lifecycle, Endpoints)
    public const int SessionEnded = 1701;
    public const int RefreshTokenRevoked = 1711;
    public const int RevocationQueued = 1712;
    public const int RevocationAttemptFailed = 1713;
    public const int RevocationQueueFull = 1714;
    public const int RevocationUnreadable = 1715;
    public const int RevocationQueueUnavailable = 1716;
    public const int RevocationRetrySucceeded = 1721;
    public const int RevocationRetryScheduled = 1722;
    public const int RevocationAbandoned = 1723;
    public const int RevocationPassFailed = 1724;
    public const int LogoutRefused = 1731;
    public const int EndSessionEndpointUnknown = 1732;
    public const int BackchannelLogoutRefused = 1741;
    public const int BackchannelLogoutEnded = 1742;
    public const int BackchannelLogoutKeysUnavailable = 1743;
    public const int RevocationNotReplicated = 1751;

    // Rate limits (RateLimiting)
    public const int RateLimitStoreUnavailable = 1801;
    public const int RateLimitStoreBack = 1802;

    // Errors (Hosting)
    public const int UnhandledException = 1901;

    // Shutdown (Hosting)
    public const int ShutdownDraining = 1951;

    // IdP token endpoint (Idp)
    public const int TokenEndpointError = 2001;
    public const int TokenEndpointUnreachable = 2002;
    public const int TokenRevocationFailed = 2003;
    public const int PushedAuthorizationRefused = 2010;

    // The IdP client's circuit breaker (Idp)
    public const int IdpCircuitOpened = 2011;
    public const int IdpCircuitHalfOpened = 2012;
    public const int IdpCircuitClosed = 2013;

    // Refresh lock (Tokens)
    public const int RefreshLockLost = 2101;

    // User tokens (Tokens)
    public const int TokensRefreshed = 2201;
    public const int SessionEndedByRefresh = 2202;
    public const int RefreshRecovered = 2203;
    public const int RefreshWaitTimedOut = 2204;
    public const int ResourceTokenRefused = 2205;

    // Client tokens (Tokens)
    public const int ClientTokenFailed = 2301;

    // Proxied streams (Proxy)
    public const int StreamsAborted = 2401;

    // Proxy configuration (Proxy)
    public const int ProxyConfigRefused = 2501;

    // Security signals (Security): one id per kind, so an alert can match the id alone
    public const int RefreshTokenReuse = 2901;
    public const int NewDevice = 2902;
    public const int InvalidCookieBurst = 2903;
    public const int CsrfRejectionBurst = 2904;
    public const int BackchannelReplay = 2905;
    public const int NewDeviceCheckFailed = 2911;
    public const int SecurityWebhookRetry = 2912;
    public const int SecurityWebhookAbandoned = 2913;
    public const int SecurityWebhookQueueFull = 2914;
}
