using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Telemetry;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Sessions in Redis, one hash per session (<see cref="RedisKeys.Session"/>), with fields <c>fv</c> the
/// stored format (<see cref="SessionFormat"/>), <c>m</c> protected metadata, <c>t</c> protected tokens, <c>v</c>
/// token version, <c>seen</c> last use, <c>abs</c> absolute deadline and <c>idle</c> the session's own idle timeout
/// (unix ms and ms, plain so scripts can compute the TTL; without <c>idle</c>, the top-level one), and <c>u</c> / <c>i</c> the hashes of the user and IdP session it is indexed under
/// (<see cref="RedisSessionIndex"/>). The key's TTL is the earlier of the idle and absolute deadlines, so Redis
/// itself forgets dead sessions. Every change is published on <see cref="RedisKeys.InvalidationChannel"/> by the
/// same script that makes it, so no instance can miss a change without also noticing its subscription is gone.
/// </summary>
/// <remarks>
/// One type, since every operation on the session hash shares its field layout and scripts; in two files: reading
/// and writing here, ending and finding the sessions to end in <c>RedisSessionStore.Ending.cs</c>.
/// </remarks>
internal sealed partial class RedisSessionStore(
    RedisSessionCalls calls,
    RedisSessionIndex index,
    RedisActiveSessions active,
    RedisKeys keys,
    SessionProtector protector,
    SessionCache cache,
    SessionStoreHealth health,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<RedisSessionStore> logger,
    RedisRevocationConnection? revocations = null) : ISessionStore
{
    /// <summary>How long the result of a refresh stays findable by the refresh token it replaced.</summary>
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    private static readonly RedisValue[] ReadFields = ["m", "t", "v", "seen", "abs", "fv"];

    private readonly RedisValue _invalidationChannelName = keys.InvalidationChannel.ToString();

    private readonly BffOptions _options = options.Value;

    internal static string InvalidationMessage(string id) => "s:" + id;

    public async Task<IReadOnlyList<string>> CreateAsync(BffSession session, CancellationToken cancellationToken)
    {
        var ttl = session.ExpiresAt(_options.Session.IdleTimeout) - time.GetUtcNow();
        if (ttl <= TimeSpan.Zero)
        {
            return [];
        }

        var subjectHash = RedisKeys.Hash(session.Subject);
        var idpHash = session.IdpSessionId is { Length: > 0 } sid ? RedisKeys.Hash(sid) : "";
        RedisValue[] args =
        [
            protector.Protect(session.Id, SessionProtector.MetadataOf(session)),
            protector.Protect(session.Id, session.Tokens),
            session.Version,
            session.LastSeenAt.ToUnixTimeMilliseconds(),
            session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(),
            subjectHash,
            idpHash,
            (long)Math.Ceiling(ttl.TotalMilliseconds),
            SessionFormat.Current,
            session.IdleTimeout is { } idle ? (long)idle.TotalMilliseconds : RedisValue.EmptyString,
        ];
        await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionCreate, [keys.Session(session.Id)], args), "create", cancellationToken);
        active.Add(session, session.ExpiresAt(_options.Session.IdleTimeout));
        return await index.AddAsync(session, subjectHash, idpHash, cancellationToken);
    }

    public ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var cached = cache.TryGet(id);
        if (cached is not null)
        {
            // Null, and nothing computed, unless a tracer listens.
            BffActivitySource.Instance.StartActivity(BffActivitySource.SessionLoad)?.SetTag("bff.session.cache_hit", true).Dispose();
            return ValueTask.FromResult<BffSession?>(cached);
        }

        return new ValueTask<BffSession?>(ReadAsync(id, cancellationToken));
    }

    public Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken) => ReadAsync(id, cancellationToken);

    private async Task<BffSession?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        using var activity = BffActivitySource.Instance.StartActivity(BffActivitySource.SessionLoad);
        activity?.SetTag("bff.session.cache_hit", false);
        var epoch = cache.Epoch;
        var started = time.GetUtcNow();
        RedisValue[] values;
        try
        {
            values = await calls.GuardAsync(calls.Database.HashGetAsync(keys.Session(id), ReadFields), "read", cancellationToken);
        }
        catch (SessionStoreUnavailableException ex) when (activity is not null)
        {
            activity.SetTag("error.type", (ex.InnerException ?? ex).GetType().Name).SetStatus(ActivityStatusCode.Error);
            throw;
        }

        if (values[0].IsNull || values[1].IsNull || values[2].IsNull || values[3].IsNull || values[4].IsNull)
        {
            return null;
        }

        // A session written by a newer instance during a rolling deploy is not this one's to judge, nor to delete.
        var format = SessionFormat.Of(values[5]);
        if (format > SessionFormat.Current)
        {
            return null;
        }

        var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]);
        var metadata = (byte[])values[0]!;
        var tokens = (byte[])values[1]!;
        var version = (long)values[2];
        if (!cache.Payloads.TryGet(id, metadata, tokens, lastSeen, version, out var session))
        {
            session = await DecodeAsync(id, format, metadata, tokens, version, lastSeen, cancellationToken);
            if (session is not null)
            {
                session = RememberPayloads(session, metadata, tokens, epoch);
            }
        }

        if (session is null || time.GetUtcNow() >= session.ExpiresAt(_options.Session.IdleTimeout))
        {
            return null;
        }

        cache.Set(session, epoch, started);
        return session;
    }

    // Like the cache, never keeps what a read saw when the session may have changed or ended meanwhile:
    // the memo would not serve it wrongly (the bytes decide), but the plaintext would stay in memory.
    private BffSession RememberPayloads(BffSession session, byte[] metadata, byte[] tokens, long epochAtReadStart)
    {
        var kept = cache.Payloads.Set(session, metadata, tokens);
        if (cache.ChangedSince(session.Id, epochAtReadStart))
        {
            cache.Payloads.Remove(session.Id);
        }

        return kept;
    }

    public async Task TouchAsync(BffSession session, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        var id = session.Id;
        RedisValue[] args =
        [
            lastSeenAt.ToUnixTimeMilliseconds(),
            (long)_options.Session.IdleTimeout.TotalMilliseconds,
            _invalidationChannelName,
            InvalidationMessage(id),
        ];
        var touched = (long)await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionTouch, [keys.Session(id)], args), "touch", cancellationToken);
        if (touched == 1)
        {
            active.Extend(session, (session with { LastSeenAt = lastSeenAt }).ExpiresAt(_options.Session.IdleTimeout));
            cache.Update(id, s => s with { LastSeenAt = lastSeenAt });
        }
    }

    private async Task<BffSession?> DecodeAsync(string id, int format, byte[] metadata, byte[] tokens, long version, DateTimeOffset lastSeen,
        CancellationToken cancellationToken, bool deleteIfUnreadable = true)
    {
        try
        {
            if (format < SessionFormat.Oldest)
            {
                throw new CryptographicException($"Stored session format {format} is no longer read.");
            }

            var readMetadata = await protector.UnprotectMetadataAsync(id, metadata, cancellationToken);
            var readTokens = await protector.UnprotectTokensAsync(id, tokens, cancellationToken);
            return SessionProtector.Compose(id, readMetadata, readTokens, lastSeen, version);
        }
        catch (CryptographicException ex)
        {
            // A key ring that lost the key, tampered data, data written for another session id, or a format
            // too old to trust: the session cannot be used, so it is gone.
            LogUnreadable(logger, id, ex.GetType().Name);
            if (deleteIfUnreadable)
            {
                await DeleteAsync(id, cancellationToken);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = BffEventIds.SessionUnreadable, Level = LogLevel.Warning, Message = "Session {SessionId} could not be decrypted ({Reason}); it was deleted")]
    private static partial void LogUnreadable(ILogger logger, string sessionId, string reason);
}
