using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Proxy;

/// <summary>
/// This instance's proxied requests that last (WebSockets and other upgrades, event streams), by session, so that
/// they end with their session: a stream is authorized once, when it starts, and would otherwise carry on after
/// logout or revocation. Told that a session changed by the terminator on this instance and by the invalidation
/// listener for every instance (as an <see cref="ISessionChangeObserver"/>), it asks the store and aborts the
/// session's streams when the session is gone; <see cref="SessionStreamSweep"/> asks for every tracked session
/// each second, for deadlines passed while a stream was open and for announcements lost on the way.
/// </summary>
internal sealed partial class SessionStreams(ISessionStore store, ILogger<SessionStreams> logger) : ISessionChangeObserver
{
    private readonly ConcurrentDictionary<string, StreamSet> _bySession = new(StringComparer.Ordinal);

    public bool IsEmpty => _bySession.IsEmpty;

    /// <summary>Tracks a request of <paramref name="sessionId"/> until it completes.</summary>
    public void Track(HttpContext context, string sessionId)
    {
        var stream = new TrackedStream(this, sessionId, context);
        while (true)
        {
            var set = _bySession.GetOrAdd(sessionId, static _ => new StreamSet());
            lock (set)
            {
                // A set is closed once emptied and removed: add to its successor instead.
                if (!set.Closed)
                {
                    set.Streams.Add(stream);
                    stream.Set = set;
                    break;
                }
            }
        }

        context.Response.RegisterForDispose(stream);
    }

    public void OnSessionChanged(string sessionId)
    {
        if (_bySession.ContainsKey(sessionId))
        {
            // Called on the subscription's thread, which must not wait for the store.
            _ = Task.Run(() => CheckAsync(sessionId, fresh: true, CancellationToken.None));
        }
    }

    /// <summary>Asks the store, through its cache, for every session with a stream open.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        // The dictionary's own enumerator takes no lock; Keys would take all of them.
        foreach (var (sessionId, _) in _bySession)
        {
            await CheckAsync(sessionId, fresh: false, cancellationToken);
        }
    }

    private async Task CheckAsync(string sessionId, bool fresh, CancellationToken cancellationToken)
    {
        string reason;
        try
        {
            var session = fresh
                ? await store.GetFreshAsync(sessionId, cancellationToken)
                : await store.GetAsync(sessionId, cancellationToken);
            if (session is not null)
            {
                return;
            }

            reason = "ended";
        }
        catch (SessionStoreUnavailableException)
        {
            // Revocations may be going unheard, and no new request of the session would be let through either.
            reason = "session_store_unavailable";
        }

        Abort(sessionId, reason);
    }

    private void Abort(string sessionId, string reason)
    {
        if (!_bySession.TryGetValue(sessionId, out var set))
        {
            return;
        }

        TrackedStream[] streams;
        lock (set)
        {
            streams = [.. set.Streams];
        }

        var aborted = streams.Count(s => s.Abort());
        if (aborted > 0)
        {
            LogAborted(logger, aborted, sessionId, reason);
        }
    }

    private void Untrack(TrackedStream stream)
    {
        var set = stream.Set!;
        lock (set)
        {
            set.Streams.Remove(stream);
            if (set.Streams.Count == 0)
            {
                set.Closed = true;
                _bySession.TryRemove(new KeyValuePair<string, StreamSet>(stream.SessionId, set));
            }
        }
    }

    [LoggerMessage(EventId = BffEventIds.StreamsAborted, Level = LogLevel.Information, Message = "Aborted {Count} proxied stream(s) of session {SessionId}: {Reason}")]
    private static partial void LogAborted(ILogger logger, int count, string sessionId, string reason);

    private sealed class StreamSet
    {
        public HashSet<TrackedStream> Streams { get; } = [];

        public bool Closed { get; set; }
    }

    /// <summary>One request; disposed when it completes, after which its context (pooled by the server) is never touched.</summary>
    private sealed class TrackedStream(SessionStreams owner, string sessionId, HttpContext context) : IDisposable
    {
        private readonly Lock _gate = new();
        private HttpContext? _context = context;

        public string SessionId { get; } = sessionId;

        public StreamSet? Set { get; set; }

        public bool Abort()
        {
            lock (_gate)
            {
                if (_context is null)
                {
                    return false;
                }

                _context.Abort();
                _context = null;
                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _context = null;
            }

            owner.Untrack(this);
        }
    }
}
