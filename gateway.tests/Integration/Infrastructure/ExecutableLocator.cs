namespace Bff.Tests.Integration.Infrastructure;

internal static class ExecutableLocator
{
    public static bool IsOnPath(string name) => Find(name) is not null;

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
