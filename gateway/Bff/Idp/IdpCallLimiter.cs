using Bff.Configuration;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bff.Idp;

/// <summary>
/// The bulkhead of the IdP client: login calls and the calls that keep sessions going each have their own bound on
/// calls in flight, so anonymous logins, however many, can neither take a refresh's turn nor pile up on the IdP.
/// A caller says which kind a request is with <see cref="Mark"/>.
/// </summary>
internal sealed class IdpCallLimiter : IDisposable
{
    private static readonly HttpRequestOptionsKey<IdpCallKind> KindKey = new("Bff.IdpCallKind");

    private readonly ConcurrencyLimiter _login;
    private readonly ConcurrencyLimiter _session;

    public IdpCallLimiter(IOptions<BffOptions> options)
    {
        var tokens = options.Value.Tokens;

        // A refused login is answered at once (503 with Retry-After); a queued one would hold a gateway request open
        // for a login nobody may be waiting for, which is what a flood is made of.
        _login = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = tokens.IdpMaxConcurrentLoginCalls, QueueLimit = 0 });

        // A session call waits its turn rather than fail a request: each is a session's one refresh (single-flight),
        // a queued revocation or a client-credentials fetch, so their number is bounded by the sessions in use, and
        // the wait by the timeout and the circuit breaker of the calls ahead. The queue's own bound only guards memory.
        _session = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = tokens.IdpMaxConcurrentCalls,
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public static void Mark(HttpRequestMessage request, IdpCallKind kind) => request.Options.Set(KindKey, kind);

    /// <summary>
    /// The kind a request was marked with. Unmarked ones are the OIDC handler's own: its POSTs are the pushed
    /// authorization request and the code exchange, its GETs the discovery document and signing keys.
    /// </summary>
    public static IdpCallKind KindOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(KindKey, out var kind) ? kind
        : request?.Method == HttpMethod.Get ? IdpCallKind.Session
        : IdpCallKind.Login;

    public static string NameOf(IdpCallKind kind) => kind == IdpCallKind.Login ? "login" : "session";

    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage? request, CancellationToken cancellationToken) =>
        (KindOf(request) == IdpCallKind.Login ? _login : _session).AcquireAsync(1, cancellationToken);

    /// <summary>Calls in flight and waiting, of one kind.</summary>
    public RateLimiterStatistics? StatisticsOf(IdpCallKind kind) => (kind == IdpCallKind.Login ? _login : _session).GetStatistics();

    public void Dispose()
    {
        _login.Dispose();
        _session.Dispose();
    }
}
