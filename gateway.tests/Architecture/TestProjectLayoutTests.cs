using Bff.Tests.Support;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Bff.Tests.Architecture;

/// <summary>
/// The test project keeps its own layout: namespaces follow folders, and the folders that hold tests of real
/// processes and browsers carry the category that lets each group run alone (<c>--filter Category=...</c>).
/// </summary>
public sealed partial class TestProjectLayoutTests
{
    private static readonly (string Namespace, string Category)[] Groups =
    [
        ("Bff.Tests.Integration", "Integration"),
        ("Bff.Tests.Browser", "Browser"),
        ("Bff.Tests.Benchmarks", "Benchmark"),
    ];

    [Fact]
    public void EveryFolderIsItsNamespace()
    {
        var root = Path.Combine(RepoPaths.Root, "gateway.tests");
        var misplaced = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file))
            .Where(file => file.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .Select(file => (File: file, Namespace: NamespacePattern().Match(System.IO.File.ReadAllText(Path.Combine(root, file))).Groups[1].Value))
            .Where(file => file.Namespace != ExpectedNamespace(file.File))
            .Select(file => $"{file.File}: namespace {file.Namespace}")
            .ToList();

        Assert.True(misplaced.Count == 0, "Test files whose namespace is not their folder:\n" + string.Join('\n', misplaced));
    }

    [Fact]
    public void TestClassesCarryTheCategoryOfTheirFolder_AndOnlyThere()
    {
        var wrong = typeof(TestProjectLayoutTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && HasTests(type))
            .Select(type => (Type: type, Expected: ExpectedCategory(type.Namespace!), Actual: Categories(type)))
            .Where(test => !(test.Expected is null ? test.Actual.Count == 0 : test.Actual.SequenceEqual([test.Expected])))
            .Select(test => $"{test.Type.FullName}: categories [{string.Join(", ", test.Actual)}], expected [{test.Expected}]")
            .ToList();

        Assert.True(wrong.Count == 0, "Test classes in the wrong group:\n" + string.Join('\n', wrong));
    }

    private static string ExpectedNamespace(string file)
    {
        var folder = Path.GetDirectoryName(file)!;
        return folder.Length == 0 ? "Bff.Tests" : "Bff.Tests." + folder.Replace(Path.DirectorySeparatorChar, '.');
    }

    private static string? ExpectedCategory(string ns) =>
        Groups.FirstOrDefault(g => ns == g.Namespace || ns.StartsWith(g.Namespace + ".", StringComparison.Ordinal)).Category;

    private static bool HasTests(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any());

    // TraitAttribute keeps its name and value to itself: they are read from its constructor arguments.
    private static List<string> Categories(Type type) =>
        [.. type.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
            .Select(a => (string)a.ConstructorArguments[1].Value!)];

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();
}
