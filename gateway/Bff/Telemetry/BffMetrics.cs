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

    public BffMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _sessionsCreated = _meter.CreateCounter<long>("bff.sessions.created", "{session}", "Sessions created by a login.");
        _sessionsEnded = _meter.CreateCounter<long>("bff.sessions.ended", "{session}", "Sessions ended, by reason.");
        _refreshes = _meter.CreateCounter<long>("bff.token.refreshes", "{refresh}", "Refresh-token grants, by outcome.");
        _lockWait = _meter.CreateHistogram<double>("bff.token.lock_wait", "s", "Time a request waited for another refresh of its session.");
        _racesRecovered = _meter.CreateCounter<long>("bff.token.races_recovered", "{request}", "Requests holding a rotated refresh token that were given the new tokens.");
        _tokenEndpointLatency = _meter.CreateHistogram<double>("bff.idp.token_endpoint.duration", "s", "Latency of calls to the IdP's token endpoint.");
        _csrfRejections = _meter.CreateCounter<long>("bff.csrf.rejections", "{request}", "Requests refused by the CSRF checks, by reason.");
        _rateLimited = _meter.CreateCounter<long>("bff.rate_limited", "{request}", "Requests refused with 429 by a rate limit, by limit.");
        _idpCircuitChanges = _meter.CreateCounter<long>("bff.idp.circuit.changes", "{change}", "State changes of the IdP client's circuit breaker, by the state entered.");
        _idpCallsRejected = _meter.CreateCounter<long>("bff.idp.calls.rejected", "{call}", "IdP calls refused by the bound on calls at once, by kind.");
    }

    public void SessionCreated() => _sessionsCreated.Add(1);

    /// <summary>reason: logout, revoked, backchannel, idle, absolute, invalid_grant, unreadable.</summary>
    public void SessionEnded(string reason, long count = 1) =>
        _sessionsEnded.Add(count, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>outcome: success, invalid_grant, idp_unavailable, reused (another instance's result).</summary>
    public void Refresh(string outcome) => _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

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
