namespace Bff.Tests.Architecture;

/// <summary>
/// The layers as docs/architecture.md writes them: the lines of its <c>```layers</c> block, top first, each line
/// one level whose namespaces (folders of the library) may use only the levels below.
/// </summary>
internal sealed class LayerMap
{
    private readonly Dictionary<string, int> _levels;

    private LayerMap(Dictionary<string, int> levels) => _levels = levels;

    public IReadOnlyCollection<string> Layers => _levels.Keys;

    public static LayerMap Parse(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.Trim()).ToList();
        var start = lines.IndexOf("```layers");
        if (start < 0)
        {
            throw new InvalidOperationException("docs/architecture.md has no ```layers block.");
        }

        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        var level = 0;
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l != "```"))
        {
            foreach (var layer in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                levels.Add(layer, level);
            }

            level++;
        }

        return new LayerMap(levels);
    }

    public bool Contains(string layer) => _levels.ContainsKey(layer);

    /// <summary>True when <paramref name="from"/> may use <paramref name="to"/>: the same layer, or one below.</summary>
    public bool Allows(string from, string to) => from == to || _levels[to] > _levels[from];
}
