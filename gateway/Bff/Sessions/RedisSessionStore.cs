using Bff.Configuration;
using Bff.Redis;
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
/// One type, since every operation on the session hash shares its field layout and scripts; in four files: creating
/// and touching here, reading in <c>RedisSessionStore.Reading.cs</c>, token writes in <c>RedisSessionStore.Tokens.cs</c>,
/// ending and finding the sessions to end in <c>RedisSessionStore.Ending.cs</c>.
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
}
