using Bff.Tests.Support;
using System.Text.RegularExpressions;

namespace Bff.Tests.Host;

/// <summary>
/// The image cannot be built on these machines (no container engine, no registry with base images), so the
/// Dockerfile is linted instead: every base image on a version tag, the runtime stage as a non-root user with a
/// health check and an exec-form entry point, and nothing but the gateway in the build context (no demo SPA).
/// What the image runs is started for real in <c>Integration/Hosting/PublishedHostTests</c>.
/// </summary>
public sealed partial class DockerfileTests
{
    private static string RepoFile(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, name));

    [Fact]
    public void TheDockerfile_PassesTheLint() =>
        Assert.Empty(DockerfileLint.Check(RepoFile("Dockerfile")));

    [Theory]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet\nUSER app\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "tag")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:latest\nUSER app\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "tag")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "USER")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER root\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "USER")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER 0:0\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "USER")]
    [InlineData("FROM x:1 AS build\nUSER app\nFROM mcr.microsoft.com/dotnet/aspnet:10.0\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "USER")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "HEALTHCHECK")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nHEALTHCHECK CMD curl -f http://localhost/healthz\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "HEALTHCHECK")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT dotnet Bff.Host.dll", "ENTRYPOINT")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nCOPY infra/demo-spa /app/wwwroot\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT [\"dotnet\", \"Bff.Host.dll\"]", "demo SPA")]
    public void Lint_FindsTheMistake(string dockerfile, string problem) =>
        Assert.Contains(DockerfileLint.Check(dockerfile), p => p.Contains(problem, StringComparison.Ordinal));

    [Fact]
    public void BuildContext_AllowsOnlyTheGateway_NoDemoSpa()
    {
        var allowed = RepoFile(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('!')).ToArray();

        Assert.Contains("*", RepoFile(".dockerignore").Split('\n').Select(l => l.Trim()));
        Assert.DoesNotContain(allowed, a => a.StartsWith("!infra", StringComparison.Ordinal) || a.Contains("wwwroot", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Root, "gateway", "Bff.Host", "wwwroot")));
    }

    /// <summary>A check of the rules this project holds its image to; not a general Dockerfile linter.</summary>
    internal static partial class DockerfileLint
    {
        public static IReadOnlyList<string> Check(string dockerfile)
        {
            var problems = new List<string>();
            // Continuation lines joined, comments dropped: one instruction per entry.
            var instructions = ContinuationRegex().Replace(dockerfile.Replace("\r\n", "\n", StringComparison.Ordinal), " ")
                .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            var lastFrom = instructions.FindLastIndex(i => Keyword(i) == "FROM");
            if (lastFrom < 0)
            {
                return ["no FROM"];
            }

            foreach (var from in instructions.Where(i => Keyword(i) == "FROM"))
            {
                var image = from.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).First(w => !w.StartsWith("--", StringComparison.Ordinal));
                if (!PinnedRegex().IsMatch(image))
                {
                    problems.Add($"base image without a version tag (or digest): {image}");
                }
            }

            var runtime = instructions.Skip(lastFrom).ToList();
            var user = runtime.LastOrDefault(i => Keyword(i) == "USER");
            var who = user?[4..].Trim().Split(':')[0];
            if (who is null or "root" or "0")
            {
                problems.Add("the runtime stage must switch to a non-root USER");
            }

            var healthcheck = runtime.FirstOrDefault(i => Keyword(i) == "HEALTHCHECK");
            if (healthcheck is null || !ExecFormHealthcheckRegex().IsMatch(healthcheck))
            {
                problems.Add("the runtime stage needs a HEALTHCHECK in exec form (CMD [...]; the runtime image has no shell tools such as curl)");
            }

            var entrypoint = runtime.FirstOrDefault(i => Keyword(i) == "ENTRYPOINT");
            if (entrypoint is null || !entrypoint[10..].TrimStart().StartsWith('['))
            {
                problems.Add("ENTRYPOINT must be in exec form, so the process gets SIGTERM and drains");
            }

            if (instructions.Any(i => Keyword(i) is "COPY" or "ADD" && (i.Contains("demo-spa", StringComparison.Ordinal) || i.Contains("wwwroot", StringComparison.Ordinal))))
            {
                problems.Add("the demo SPA (or any wwwroot) is copied into the image");
            }

            return problems;
        }

        private static string Keyword(string instruction) => instruction.Split(' ', 2)[0].ToUpperInvariant();

        [GeneratedRegex(@"\\\s*\n")]
        private static partial Regex ContinuationRegex();

        [GeneratedRegex(@"(:(?!latest$)[0-9][\w.-]*$)|(@sha256:[0-9a-f]{64}$)")]
        private static partial Regex PinnedRegex();

        [GeneratedRegex(@"\bCMD\s+\[")]
        private static partial Regex ExecFormHealthcheckRegex();
    }
}
