using Bff.Tests.Support;
using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Hosting;

/// <summary>
/// A seeded fuzz run over loopback against the gateway on Kestrel with the Redis store, while signed-in users keep
/// calling. Passes when no request got a 5xx, no response carried a stack trace, a token or a session's cookie, no
/// request reached the upstream without the bearer of a session whose cookie it carried (or the client token on the
/// client route), and every user is still signed in at the end. <c>BFF_FUZZ_ITERATIONS</c> and <c>BFF_FUZZ_SEED</c>
/// make a longer or another run; a failure names the seed and the request.
/// </summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class GatewayFuzzTests : IDisposable
{
    private static readonly string[] StackTraceMarks = ["   at ", "Exception", "StackTrace"];

    private readonly FakeOidcProvider _idp = new();
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly ITestOutputHelper _output;

    public GatewayFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        // The client route's token, whatever grant asks: no session's refresh reaches here, their tokens are fresh.
        _idp.RespondTokens("client-token-1", null, expiresIn: 3600);
    }

    public void Dispose()
    {
        _upstream.Stop();
        _idp.Dispose();
    }

    [Fact]
    public async Task RandomAndMalformedRequests_NoServerErrorNoLeakNothingLost()
    {
        var iterations = int.Parse(Environment.GetEnvironmentVariable("BFF_FUZZ_ITERATIONS") ?? "1200", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("BFF_FUZZ_SEED") ?? "20261206", CultureInfo.InvariantCulture);
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis: true, kestrel: true, settings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
            // Keys of its own in the shared Redis: a client-credentials token another test cached is not this IdP's.
            ["Bff:Redis:KeyPrefix"] = "fuzz-" + Guid.NewGuid().ToString("N"),
            ["ReverseProxy:Routes:anon:ClusterId"] = "api",
            ["ReverseProxy:Routes:anon:Match:Path"] = "/anon/{**rest}",
            ["ReverseProxy:Routes:anon:Metadata:Bff.AccessToken"] = "None",
            ["ReverseProxy:Routes:anon:Metadata:Bff.Antiforgery"] = "false",
        });
        using var probe = host.CreateBrowser();
        var port = probe.BaseAddress.Port;

        var secrets = new List<string> { "client-token-1" };
        var fuzzSessions = new List<(string Cookie, string AccessToken)>();
        var antiforgery = new List<(string Cookie, string Token)>();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (session, browser) = await host.SeedSessionAsync($"fuzz{i}-{seed}");
            using (browser)
            {
                fuzzSessions.Add(("__Host-bff=" + browser.Cookies.Get("__Host-bff"), session.Tokens.AccessToken));
                secrets.AddRange([browser.Cookies.Get("__Host-bff")!, session.Tokens.AccessToken, session.Tokens.RefreshToken!]);
                var headers = await OidcGatewayHost.UnsafeHeadersAsync(browser);
                antiforgery.Add(("__Host-bff-af=" + browser.Cookies.Get("__Host-bff-af"), headers[1].Value));
                ids.Add(session.Id);
            }
        }

        var users = new List<(string Subject, TestBrowser Browser)>();
        for (var i = 0; i < 3; i++)
        {
            var (session, browser) = await host.SeedSessionAsync($"user{i}-{seed}");
            users.Add((session.Subject, browser));
            secrets.AddRange([browser.Cookies.Get("__Host-bff")!, session.Tokens.AccessToken, session.Tokens.RefreshToken!]);
            // Knowing a user's session handle must not let anyone end it.
            ids.Add(session.Id);
        }

        var generator = new FuzzRequests(new FuzzMaterial(port, [.. fuzzSessions.Select(s => s.Cookie)], antiforgery, ids), seed);
        var requests = Enumerable.Range(0, iterations).Select(generator.Next).ToArray();
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        using var done = new CancellationTokenSource();
        var userCalls = users.Select(u => KeepCallingAsync(u.Subject, u.Browser, failures, done.Token)).ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, iterations), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var (status, text) = await SendAsync(port, requests[i].Bytes);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var leak = StackTraceMarks.Concat(secrets).FirstOrDefault(l => text.Contains(l, StringComparison.Ordinal));
            if (status >= 500 || leak is not null)
            {
                failures.Enqueue($"seed {seed}, request {i}: {status}{(leak is null ? "" : ", leaked " + leak[..Math.Min(12, leak.Length)])}\n{Shorten(requests[i].Text)}\n-> {Shorten(text)}");
            }
        });
        await done.CancelAsync();
        await Task.WhenAll(userCalls);

        foreach (var entry in _upstream.LogEntries.Select(e => e.RequestMessage).Where(r => r.Headers!.ContainsKey("X-Fuzz-Id")))
        {
            var id = int.Parse(entry.Headers!["X-Fuzz-Id"].Single(), CultureInfo.InvariantCulture);
            var bearer = entry.Headers.TryGetValue("Authorization", out var values) ? values.Single() : null;
            var allowed = entry.Path.StartsWith("/client/", StringComparison.Ordinal)
                ? ["Bearer client-token-1"]
                : requests[id].Sessions.Select(s => "Bearer " + fuzzSessions[s].AccessToken).ToHashSet();
            var fine = bearer is null ? entry.Path.StartsWith("/open/", StringComparison.Ordinal) || entry.Path.StartsWith("/anon/", StringComparison.Ordinal) : allowed.Contains(bearer);
            if (!fine || (entry.Headers.TryGetValue("Cookie", out var cookies) && cookies.Any(c => c.Contains("__Host-bff", StringComparison.Ordinal))))
            {
                failures.Enqueue($"seed {seed}, request {id} reached the upstream at {entry.Path} with {bearer ?? "no bearer"}\n{Shorten(requests[id].Text)}");
            }
        }

        foreach (var (subject, browser) in users)
        {
            using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
            if (user.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"seed {seed}: {subject} was signed out by the fuzz run ({(int)user.StatusCode})");
            }

            browser.Dispose();
        }

        _output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        _output.WriteLine($"fuzz requests that reached the upstream: {_upstream.LogEntries.Count(e => e.RequestMessage.Headers!.ContainsKey("X-Fuzz-Id"))}");
        Assert.True(failures.IsEmpty, $"{failures.Count} failure(s) in {iterations} requests:\n" + string.Join("\n\n", failures.Take(10)));
    }

    private async Task KeepCallingAsync(string subject, TestBrowser browser, ConcurrentQueue<string> failures, CancellationToken done)
    {
        for (var i = 0; !done.IsCancellationRequested; i++)
        {
            var path = $"/api/users/{subject}/{i}";
            using var response = await browser.GetAsync(path, OidcGatewayHost.Xhr, CancellationToken.None);
            var bearer = _upstream.LogEntries.LastOrDefault(e => e.RequestMessage.Path == path)?.RequestMessage.Headers?["Authorization"].Single();
            if (response.StatusCode != HttpStatusCode.OK || bearer != "Bearer access-" + subject)
            {
                failures.Enqueue($"{subject}'s call {i}: {(int)response.StatusCode}, upstream saw {bearer ?? "nothing"}");
                return;
            }
        }
    }

    /// <summary>One request on its own connection, read to the end: status and the whole response as text.</summary>
    private static async Task<(int Status, string Text)> SendAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // Kestrel may close a connection it refused before reading all of a request: what arrived is the answer.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var parts = text.Split(' ', 3);
        return (parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status) ? status : 0, text);
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "...";
}
