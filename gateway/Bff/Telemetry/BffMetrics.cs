using System.Diagnostics.Metrics;

namespace Bff.Telemetry;

/// <summary>
/// The gateway's own meter, <c>Bff.Gateway</c>. Every instrument a capability records lives here so
/// operators find the whole list in one place.
/// </summary>
internal sealed class BffMetrics : IDisposable
{
    public const string MeterName = BffTelemetry.MeterName;

    private readonly Meter _meter;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _refreshes;
    private readonly Histogram<double> _lockWait;
    private readonly Counter<long> _racesRecovered;
    private readonly Histogram<double> _tokenEndpointLatency;
    private readonly Counter<long> _csrfRejections;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _idpCircuitChanges;
    private readonly Counter<long> _idpCallsRejected;
    private Measurement<long>[] _activeSessions = [];

    // A histogram in seconds without advice gets the SDK's default boundaries, made for milliseconds (0, 5, 10, ...):
    // every IdP call and lock wait would fall in the first bucket. These are HTTP's (from 5 ms to 10 s, the default
    // Bff:Tokens:IdpTimeout) with 1 and 2.5 ms in front, where a refresh against a near IdP and a wait for a
    // replica's refresh fall.
    private static readonly InstrumentAdvice<double> IdpCallBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    public BffMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _sessionsCreated = _meter.CreateCounter<long>("bff.sessions.created", "{session}", "Sessions created by a login.");
        _sessionsEnded = _meter.CreateCounter<long>("bff.sessions.ended", "{session}", "Sessions ended, by reason.");
        _refreshes = _meter.CreateCounter<long>("bff.token.refreshes", "{refresh}", "Refresh-token grants, by outcome.");
        _lockWait = _meter.CreateHistogram<double>("bff.token.lock_wait", "s", "Time a request waited for another refresh of its session.",
            advice: IdpCallBuckets);
        _racesRecovered = _meter.CreateCounter<long>("bff.token.races_recovered", "{request}", "Requests holding a rotated refresh token that were given the new tokens.");
        _tokenEndpointLatency = _meter.CreateHistogram<double>("bff.idp.token_endpoint.duration", "s", "Latency of calls to the IdP's token endpoint.",
            advice: IdpCallBuckets);
        _csrfRejections = _meter.CreateCounter<long>("bff.csrf.rejections", "{request}", "Requests refused by the CSRF checks, by reason.");
        _rateLimited = _meter.CreateCounter<long>("bff.rate_limited", "{request}", "Requests refused with 429 by a rate limit, by limit.");
        _idpCircuitChanges = _meter.CreateCounter<long>("bff.idp.circuit.changes", "{change}", "State changes of the IdP client's circuit breaker, by the state entered.");
        _idpCallsRejected = _meter.CreateCounter<long>("bff.idp.calls.rejected", "{call}", "IdP calls refused by the bound on calls at once, by kind.");
        _meter.CreateObservableGauge<long>("bff.sessions.active", () => Volatile.Read(ref _activeSessions), "{session}",
            "Live sessions in the session store, by frontend, as last counted (every 10 s); every instance reports the whole store's.");

        // Operations: revocation, Redis, the proxy's upstream errors, refresh locks
        _revocationAttempts = _meter.CreateCounter<long>("bff.revocation.attempts", "{attempt}", "Refresh-token revocation calls to the IdP, by outcome (success, failure).");
        _revocationsAbandoned = _meter.CreateCounter<long>("bff.revocation.abandoned", "{revocation}", "Revocations given up after the last retry: those refresh tokens stay valid at the IdP until they expire.");
        _meter.CreateObservableGauge("bff.revocation.queue.depth", () => Volatile.Read(ref _revocationQueueDepth), "{revocation}",
            "Revocations waiting for a retry, as last counted by this instance's retry pass.");
        _redisDuration = _meter.CreateHistogram<double>("bff.redis.operation.duration", "s", "Calls to Redis, by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _redisErrors = _meter.CreateCounter<long>("bff.redis.errors", "{error}", "Calls to Redis that failed or timed out, by operation and error type.");
        _proxyErrors = _meter.CreateCounter<long>("bff.proxy.errors", "{request}", "Proxied requests the forwarder could not complete, by route and YARP's error kind.");
        _lockWaitTimeouts = _meter.CreateCounter<long>("bff.token.lock.wait_timeouts", "{request}", "Requests that gave up waiting for another instance's refresh of their session.");
        _locksLost = _meter.CreateCounter<long>("bff.token.lock.lost", "{lock}", "Refresh locks that could not be renewed while their refresh ran.");

        // Security signals (Security)
        _securityEvents = _meter.CreateCounter<long>("bff.security.events", "{event}", "Security signals raised, by kind.");
        _securityWebhookDropped = _meter.CreateCounter<long>("bff.security.webhook.dropped", "{event}", "Security signals dropped because the webhook's queue was full.");
        StartAtZero();
    }

    // The counters of rare events, with every value of their attributes that is known up front, start as series at
    // zero: Prometheus's increase() and rate() miss the first event of a series that did not exist before it, which
    // for these is the one that matters.
    private void StartAtZero()
    {
        foreach (var state in (string[])["open", "half_open", "closed"])
        {
            _idpCircuitChanges.Add(0, new KeyValuePair<string, object?>("state", state));
        }

        foreach (var kind in (string[])["login", "session"])
        {
            _idpCallsRejected.Add(0, new KeyValuePair<string, object?>("kind", kind));
        }

        foreach (var limit in (string[])["session", "address"])
        {
            _rateLimited.Add(0, new KeyValuePair<string, object?>("limit", limit));
        }

        foreach (var kind in (string[])["refresh_token_reuse", "new_device", "invalid_cookie_burst", "csrf_rejection_burst", "backchannel_replay"])
        {
            _securityEvents.Add(0, new KeyValuePair<string, object?>("kind", kind));
        }

        _revocationsAbandoned.Add(0);
        _redisErrors.Add(0);
        _proxyErrors.Add(0);
        _lockWaitTimeouts.Add(0);
        _locksLost.Add(0);
        _securityWebhookDropped.Add(0);
    }

    public void SessionCreated() => _sessionsCreated.Add(1);

    /// <summary>reason: logout, revoked, backchannel, idle, absolute, invalid_grant, unreadable.</summary>
    public void SessionEnded(string reason, long count = 1) =>
        _sessionsEnded.Add(count, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The store-wide count of live sessions per frontend (empty name: the default frontend), for the gauge.</summary>
    public void ActiveSessions(IReadOnlyList<(string Frontend, long Count)> counts) =>
        Volatile.Write(ref _activeSessions, counts.Select(c => new Measurement<long>(c.Count, new KeyValuePair<string, object?>("bff.frontend", c.Frontend))).ToArray());

    /// <summary>
    /// outcome: success, invalid_grant, idp_unavailable, reused (another instance's result); kind: user (a session's
    /// refresh token) or client (the gateway's client-credentials token).
    /// </summary>
    public void Refresh(string outcome, string kind = "user") =>
        _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("bff.token.kind", kind));

    public void LockWait(TimeSpan waited) => _lockWait.Record(waited.TotalSeconds);

    public void RaceRecovered() => _racesRecovered.Add(1);

    public void TokenEndpoint(TimeSpan duration, string outcome) =>
        _tokenEndpointLatency.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void CsrfRejected(string reason) => _csrfRejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>limit: session, address.</summary>
    public void RateLimited(string limit) => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));
    /// <summary>state: open, half_open, closed.</summary>
    public void IdpCircuitChanged(string state) => _idpCircuitChanges.Add(1, new KeyValuePair<string, object?>("state", state));

    /// <summary>kind: login, session.</summary>
    public void IdpCallRejected(string kind) => _idpCallsRejected.Add(1, new KeyValuePair<string, object?>("kind", kind));

    // Operations: revocation, Redis, the proxy's upstream errors, refresh locks
    private readonly Counter<long> _revocationAttempts;
    private readonly Counter<long> _revocationsAbandoned;
    private readonly Histogram<double> _redisDuration;
    private readonly Counter<long> _redisErrors;
    private readonly Counter<long> _proxyErrors;
    private readonly Counter<long> _lockWaitTimeouts;
    private readonly Counter<long> _locksLost;
    private long _revocationQueueDepth;

    /// <summary>outcome: success, failure.</summary>
    public void RevocationAttempt(bool succeeded) =>
        _revocationAttempts.Add(1, new KeyValuePair<string, object?>("bff.revocation.outcome", succeeded ? "success" : "failure"));

    public void RevocationAbandoned() => _revocationsAbandoned.Add(1);

    public void RevocationQueueDepth(long depth) => Volatile.Write(ref _revocationQueueDepth, depth);

    /// <summary>
    /// operation: a constant string, the session store's name for the call (read, create, touch, delete, ...) or the feature
    /// and its verb (refresh_lock.acquire, rate_limit.lease, ...). Recorded through <see cref="RedisCallMetrics"/>.
    /// </summary>
    public void RedisOperation(string operation, TimeSpan duration) =>
        _redisDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("bff.redis.operation", operation));

    public void RedisError(string operation, string errorType) =>
        _redisErrors.Add(1, new KeyValuePair<string, object?>("bff.redis.operation", operation), new KeyValuePair<string, object?>("error.type", errorType));

    /// <summary>errorType: YARP's <c>ForwarderError</c> name (Request, RequestTimedOut, ResponseBodyDestination, ...).</summary>
    public void ProxyError(string routeId, string errorType) =>
        _proxyErrors.Add(1, new KeyValuePair<string, object?>("bff.proxy.route_id", routeId), new KeyValuePair<string, object?>("error.type", errorType));

    public void LockWaitTimedOut() => _lockWaitTimeouts.Add(1);

    public void LockLost() => _locksLost.Add(1);

    // Security signals (Security)
    private readonly Counter<long> _securityEvents;
    private readonly Counter<long> _securityWebhookDropped;

    /// <summary>kind: refresh_token_reuse, new_device, invalid_cookie_burst, csrf_rejection_burst, backchannel_replay.</summary>
    public void SecurityEvent(string kind) => _securityEvents.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void SecurityWebhookDropped() => _securityWebhookDropped.Add(1);

    /// <summary>
    /// The session cache's size, lookups by result (hit, miss) and evictions for room, read when collected so the
    /// cache's hot path only bumps its own counters.
    /// </summary>
    public void ObserveSessionCache(Func<int> entries, Func<long> hits, Func<long> misses, Func<long> evictions)
    {
        _meter.CreateObservableUpDownCounter("bff.session_cache.entries", entries, "{session}", "Sessions in this instance's session cache.");
        _meter.CreateObservableCounter("bff.session_cache.lookups", () => new[]
        {
            new Measurement<long>(hits(), new KeyValuePair<string, object?>("result", "hit")),
            new Measurement<long>(misses(), new KeyValuePair<string, object?>("result", "miss")),
        }, "{lookup}", "Session cache lookups while the cache is on, by result.");
        _meter.CreateObservableCounter("bff.session_cache.evictions", evictions, "{session}", "Sessions evicted from the session cache to make room.");
    }

    public void Dispose() => _meter.Dispose();
}
