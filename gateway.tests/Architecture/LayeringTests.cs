using Bff.Configuration;
using Bff.Tests.Support;
using System.Text.RegularExpressions;
using Mono.Cecil;

namespace Bff.Tests.Architecture;

/// <summary>The library keeps to the layers that docs/architecture.md writes down.</summary>
public sealed partial class LayeringTests
{
    private static readonly Lazy<LayerMap> Map = new(() =>
        LayerMap.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"))));

    [Fact]
    public void Library_UsesOnlyLowerLayers()
    {
        using var module = ModuleDefinition.ReadModule(typeof(BffOptions).Assembly.Location);

        var violations = TypeReferences.Of(module)
            .Select(edge => (From: edge.From, FromLayer: LayerOf(edge.From), To: edge.To, ToLayer: LayerOfReference(edge.To, module)))
            .Where(edge => edge.FromLayer is not null && edge.ToLayer is not null && !Map.Value.Allows(edge.FromLayer, edge.ToLayer))
            .Select(edge => $"{edge.From.FullName} ({edge.FromLayer}) uses {edge.To.FullName} ({edge.ToLayer})")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(violations.Count == 0, "References against docs/architecture.md:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Library_EveryNamespaceIsALayer()
    {
        using var module = ModuleDefinition.ReadModule(typeof(BffOptions).Assembly.Location);

        var unlisted = module.Types
            .Select(LayerOf)
            .OfType<string>()
            .Where(layer => !Map.Value.Contains(layer))
            .Distinct()
            .ToList();

        Assert.True(unlisted.Count == 0, "Namespaces missing from docs/architecture.md: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void Library_EveryFolderIsItsNamespace()
    {
        var library = Path.Combine(RepoPaths.Root, "gateway", "Bff");
        var misplaced = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(library, file))
            .Select(file => (File: Path.GetRelativePath(library, file), Namespace: NamespacePattern().Match(File.ReadAllText(file)).Groups[1].Value))
            .Where(file => file.Namespace != "Bff." + file.File.Split(Path.DirectorySeparatorChar)[0])
            .Select(file => $"{file.File}: namespace {file.Namespace}")
            .ToList();

        Assert.True(misplaced.Count == 0, "Files whose namespace is not their folder:\n" + string.Join('\n', misplaced));
    }

    [Theory]
    [InlineData("Hosting", "Endpoints", true)]
    [InlineData("Sessions", "Idp", true)]
    [InlineData("Sessions", "Configuration", true)]
    [InlineData("Sessions", "Sessions", true)]
    [InlineData("Sessions", "Tokens", false)]
    [InlineData("Antiforgery", "Proxy", false)]
    [InlineData("Proxy", "Antiforgery", false)]
    [InlineData("Redis", "Telemetry", false)]
    [InlineData("Configuration", "Hosting", false)]
    public void Allows_WrittenLayers_OnlyDownwards(string from, string to, bool allowed) =>
        Assert.Equal(allowed, Map.Value.Allows(from, to));

    private static string? LayerOf(TypeDefinition type)
    {
        var ns = TypeReferences.Outermost(type).Namespace;
        return ns.StartsWith("Bff.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;
    }

    // Only the library's own types have a layer; the framework's and packages' do not.
    private static string? LayerOfReference(TypeReference type, ModuleDefinition module)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        var own = type.Scope is ModuleDefinition scope && scope == module;
        return own && type.Namespace.StartsWith("Bff.", StringComparison.Ordinal) ? type.Namespace.Split('.')[1] : null;
    }

    private static bool IsBuildOutput(string library, string file)
    {
        var first = Path.GetRelativePath(library, file).Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();
}
