// The bench's session seeder (infra/bench/run --mode many-sessions | uniform | 100k | refresh).
//
//   seed COUNT COOKIE_FILE        writes COUNT signed-in sessions into the gateway's Redis and one cookie value per
//                                 line to COOKIE_FILE
//   seed --measure COUNT          fills a session cache like the gateway's with COUNT sessions read back from
//                                 Redis and prints the managed memory one session takes (see docs/performance.md)
//
// It is configured exactly like the gateway (the same Bff__* and ConnectionStrings__Redis variables), builds the
// library's own services with AddBff().AddSessionStore() and never starts them: each session goes through the
// store's CreateAsync (the Lua script a login runs, with its index and its Data Protection) and its cookie through
// SessionCookie.Protect, so the gateway reads them as it reads a login's. What differs from a login: no IdP
// (the claims and tokens come from the variables below).
//   BENCH_ACCESS_TOKEN     the access token of every session (a real one from the IdP, so the bytes are real)
//   BENCH_TOKEN_LIFETIME   seconds each access token lives from now (default: a day)
//   BENCH_TOKEN_SPREAD     0 or 1: expiries spread evenly over [now + from, now + lifetime) instead of all at now + lifetime,
//                          so refreshes come at a steady rate (the refresh mode)
//   BENCH_TOKEN_SPREAD_FROM  seconds: the earliest expiry, from now (default 0). The refresh mode gives its refresh
//                          window, so no token is due when seeded and they come due evenly from then on
//   BENCH_PARALLEL         creations in flight at once (default 64)
using System.Diagnostics;
using Bff.Configuration;
using Bff.Hosting;
using Bff.Idp;
using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

var measure = args.Length == 2 && args[0] == "--measure";
if (args.Length != 2 || !int.TryParse(measure ? args[1] : args[0], out var count) || count < 1)
{
    Console.Error.WriteLine("usage: seed COUNT COOKIE_FILE | seed --measure COUNT");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.AddBff().AddSessionStore();
await using var app = builder.Build();
var services = app.Services;
var store = services.GetRequiredService<ISessionStore>();
var cookie = services.GetRequiredService<SessionCookie>();
var slidingWriteInterval = services.GetRequiredService<IOptions<BffOptions>>().Value.Session.SlidingWriteInterval;

var accessToken = Environment.GetEnvironmentVariable("BENCH_ACCESS_TOKEN") is { Length: > 0 } a ? a : new string('a', 900);
var lifetime = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("BENCH_TOKEN_LIFETIME"), out var l) ? l : 86_400);
var spread = Environment.GetEnvironmentVariable("BENCH_TOKEN_SPREAD") == "1";
var spreadFrom = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("BENCH_TOKEN_SPREAD_FROM"), out var f) ? f : 0);
var parallel = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PARALLEL"), out var p) ? p : 64;

var now = DateTimeOffset.UtcNow;
// Refresh tokens of one seeding differ from every other's, so the token stub's count of tokens presented twice stays
// a count of second calls for one expiry when a run seeds again.
var seeding = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
var ids = new string[count];
var cookies = new string[count];
var watch = Stopwatch.StartNew();
await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
{
    var secret = SessionCookie.NewSecret();
    // Expiry offsets evenly spread and not in creation order, so neighbouring sessions do not refresh together.
    var expires = spread ? now + spreadFrom + ((lifetime - spreadFrom) * (((long)i * 7919 % count) / (double)count)) : now + lifetime;
    var subject = $"bench-{i:D6}";
    var session = new BffSession
    {
        Id = SessionCookie.HandleOf(secret),
        Subject = subject,
        IdpSessionId = $"sid-{i:D6}",
        Claims =
        [
            new SessionClaim("sub", subject), new SessionClaim("name", $"Bench User {i}"),
            new SessionClaim("email", $"{subject}@example.com"), new SessionClaim("email_verified", "true"),
            new SessionClaim("sid", $"sid-{i:D6}"), new SessionClaim("auth_time", now.ToUnixTimeSeconds().ToString()),
        ],
        Tokens = new TokenSet(accessToken, $"rt-{seeding}-{i:D6}-0", expires, IssuedAt: expires - lifetime),
        CreatedAt = now,
        // Last uses spread over the sliding write interval, as continuous traffic leaves them: all at once, every
        // session would slide within the same few seconds a minute later, and again each minute after. It holds
        // only if the gateway is loaded right after seeding, which infra/bench/run does before each round.
        LastSeenAt = now - (slidingWriteInterval * (((long)i * 104_729 % count) / (double)count)),
        AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
        UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        IpAddress = "127.0.0.1",
        Version = 1,
    };
    await store.CreateAsync(session, ct);
    ids[i] = session.Id;
    cookies[i] = cookie.Protect(secret);
});
Console.Error.WriteLine($"seed: {count} sessions in {watch.Elapsed.TotalSeconds:F1} s");

if (!measure)
{
    await File.WriteAllLinesAsync(args[1], cookies);
    return 0;
}

// The memory a session takes in a gateway that serves it: its cache entry (and slot), the decrypted payload the
// store keeps beside it, and the verified cookie. Everything is read once through the same calls a request makes;
// GC.GetTotalMemory(true) after a full collection on both sides, so only what stays reachable is counted.
var cache = services.GetRequiredService<SessionCache>();
cache.Enable();
await cookie.TryReadHandleAsync(cookies[0], default);
await store.GetAsync(ids[0], default);
var start = GC.GetTotalMemory(forceFullCollection: true);
for (var i = 1; i < count; i++)
{
    await cookie.TryReadHandleAsync(cookies[i], default);
}

var cookiesRead = GC.GetTotalMemory(forceFullCollection: true);
for (var i = 1; i < count; i++)
{
    await store.GetAsync(ids[i], default);
}

var end = GC.GetTotalMemory(forceFullCollection: true);
GC.KeepAlive(cookies);
var n = (double)(count - 1);
Console.WriteLine($"sessions read: {count - 1}; cached: {cache.Count}; decrypted payloads kept: {cache.Payloads.Count}; " +
    $"verified cookies kept: {cookie.RememberedCount}; access token {accessToken.Length} characters");
Console.WriteLine($"managed memory per session: {(end - start) / n:F0} bytes: verified cookie {(cookiesRead - start) / n:F0}, " +
    $"cache entry with its decrypted payload {(end - cookiesRead) / n:F0}");
return 0;
