namespace Bff.Tests.Support;

/// <summary>Where things are in the repository the tests were built from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding Bff.sln.</summary>
    public static string Root => LazyRoot.Value;

    public static string IdpDirectory => Path.Combine(Root, "infra", "idp");

    /// <summary>The demo SPA, which the gateway processes of the tests serve as their web root.</summary>
    public static string DemoSpaDirectory => Path.Combine(Root, "infra", "demo-spa");

    /// <summary>The build configuration of this test assembly, which the gateway was built with too.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string GatewayOutputDirectory => Path.Combine(Root, "gateway", "Bff.Host", "bin", Configuration, "net10.0");

    public static string GatewayDll => Path.Combine(GatewayOutputDirectory, "Bff.Host.dll");

    /// <summary>The second IdP (infra/openiddict-idp), built by the solution in the same configuration.</summary>
    public static string OpenIddictIdpOutputDirectory => Path.Combine(Root, "infra", "openiddict-idp", "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Bff.sln above {AppContext.BaseDirectory}.");
    }
}
