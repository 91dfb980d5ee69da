using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Telemetry;

/// <summary>
/// The shipped dashboard and alert rules (infra/observability) against a real gateway: after a login, a refresh, a
/// proxied call, an upstream that is down, CSRF refusals and a logout, every metric a panel or rule names is in the
/// gateway's /metrics, and every series the rules' promtool tests feed in has the labels the gateway gives it.
/// With promtool installed (infra/test.sh installs it), the rules' own tests run too.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class ObservabilityTests
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    // Labels Prometheus adds at scrape time, not the gateway.
    private static readonly HashSet<string> ScrapeLabels = ["job", "instance", "le"];

    // Recorded only when a request waited for another instance's refresh of its session: two gateways racing.
    // Its instrument is checked to exist instead (BffMetricsTests).
    private static readonly HashSet<string> OnlyUnderContention = ["bff_token_lock_wait_seconds_bucket"];

    // The labelled series of a counter that starts at zero without labels, seen only once Redis fails.
    private static readonly string[] FailureOnly = ["bff_redis_errors_total{bff_redis_operation,error_type}"];

    private static string Observability => Path.Combine(RepoPaths.Root, "infra", "observability");

    [Fact]
    public async Task EveryMetricOfTheDashboardAndRules_IsInMetrics_WithTheLabelsTheRuleTestsUse()
    {
        var shared = await SharedServers.GetAsync();
        using var upstream = WireMockServer.Start();
        upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"ok\":true}"));
        var config = GatewayConfig.Create(shared.Idp, shared.Redis, new Uri(upstream.Url + "/"));
        // A route with a token for its own API: its first call is a refresh grant (with resource), whatever the
        // main token's age. The dev IdP's default API, which every login names.
        config["ReverseProxy:Routes:audience:ClusterId"] = "api";
        config["ReverseProxy:Routes:audience:Match:Path"] = "/audience/{**catch-all}";
        config["ReverseProxy:Routes:audience:Metadata:Bff.AccessToken.Resource"] = "https://api.bff.example";
        config["Bff:Security:CsrfRejectionBurst"] = "1";
        config["ReverseProxy:Routes:down:ClusterId"] = "down";
        config["ReverseProxy:Routes:down:Match:Path"] = "/down/{**catch-all}";
        config["ReverseProxy:Clusters:down:Destinations:d1:Address"] = $"http://127.0.0.1:{FreePort.Next()}/";
        await using var gateway = await GatewayProcess.StartAsync(config);
        using var browser = gateway.CreateBrowser();

        using (var login = await browser.LoginAsync("alice", "alice", "/"))
        {
            login.EnsureSuccess();
        }

        using (var proxied = await browser.GetAsync("/api/data", Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }

        using (var audience = await browser.GetAsync("/audience/data", Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, audience.StatusCode);
        }

        using (var down = await browser.GetAsync("/down/x", Xhr))
        {
            Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var refused = await browser.GetAsync("/bff/user");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var sessionId = await SessionIdAsync(browser);
        using (var logout = await browser.GetAsync("/bff/logout?sid=" + sessionId))
        {
            Assert.True(logout.StatusCode is HttpStatusCode.Found or HttpStatusCode.OK, $"logout answered {logout.StatusCode}");
        }

        var scraped = await ScrapeAsync(gateway);

        var used = MetricNamesIn(File.ReadAllText(Path.Combine(Observability, "alerts.yml")))
            .Concat(DashboardExpressions().SelectMany(MetricNamesIn))
            .Where(name => !scraped.LabelNames.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);
        var missing = used.Where(name => !scraped.Series.ContainsKey(name) && !OnlyUnderContention.Contains(name)).Order().ToArray();
        Assert.True(missing.Length == 0, "Not in /metrics: " + string.Join(", ", missing));

        // Series a gateway emits only on a failure this traffic does not cause: their labels are the instruments' own.
        var unshaped = RuleTestSeries()
            .Where(series => !(scraped.Series.TryGetValue(series.Name, out var emitted) && emitted.Any(set => set.SetEquals(series.Labels))))
            .Select(series => $"{series.Name}{{{string.Join(",", series.Labels.Order())}}} (emitted: "
                + string.Join(" or ", scraped.Series.GetValueOrDefault(series.Name, []).Select(s => "{" + string.Join(",", s.Order()) + "}")) + ")")
            .Where(description => !FailureOnly.Any(description.StartsWith))
            .ToArray();
        Assert.True(unshaped.Length == 0, "The rule tests feed series the gateway does not emit so: " + string.Join("; ", unshaped));

        await RunPromtoolTestsAsync();
    }

    private static async Task RunPromtoolTestsAsync()
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "promtool")).FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            // infra/test.sh installs it and runs the same command before the tests.
            return;
        }

        using var process = Process.Start(new ProcessStartInfo(promtool, ["test", "rules", "alerts.test.yml"])
        {
            WorkingDirectory = Observability,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "promtool test rules failed:\n" + output);
    }

    /// <summary>Each metric name of the scrape, with the label names of each of its series (scrape-time labels aside).</summary>
    private static async Task<(Dictionary<string, List<HashSet<string>>> Series, HashSet<string> LabelNames)> ScrapeAsync(GatewayProcess gateway)
    {
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var text = await client.GetStringAsync("/metrics");
        var series = new Dictionary<string, List<HashSet<string>>>(StringComparer.Ordinal);
        var labelNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match sample in Sample().Matches(text))
        {
            var labels = LabelName().Matches(sample.Groups["labels"].Value).Select(m => m.Groups[1].Value)
                .Where(l => !ScrapeLabels.Contains(l) && !l.StartsWith("otel_scope_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            labelNames.UnionWith(labels);
            var name = sample.Groups["name"].Value;
            if (!series.TryGetValue(name, out var sets))
            {
                series[name] = sets = [];
            }

            if (!sets.Any(s => s.SetEquals(labels)))
            {
                sets.Add(labels);
            }
        }

        return (series, labelNames);
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Observability, "grafana-dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToArray();
    }

    // The gateway's metrics and ASP.NET Core's server ones; PromQL functions and keywords never start so.
    private static IEnumerable<string> MetricNamesIn(string text) =>
        MetricName().Matches(text).Select(m => m.Value);

    private static IEnumerable<(string Name, HashSet<string> Labels)> RuleTestSeries() =>
        RuleSeries().Matches(File.ReadAllText(Path.Combine(Observability, "alerts.test.yml")))
            .Select(m => (m.Groups["name"].Value, LabelName().Matches(m.Groups["labels"].Value).Select(l => l.Groups[1].Value)
                .Where(l => !ScrapeLabels.Contains(l)).ToHashSet(StringComparer.Ordinal)));

    private static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("session").GetProperty("id").GetString()!;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? ", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"\b(?:bff|http_server)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"series: '(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\}'")]
    private static partial Regex RuleSeries();
}
