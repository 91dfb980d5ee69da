using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Support;

/// <summary>
/// The forms of a server-rendered page (the IdP's login, form_post and logout pages), read with
/// regular expressions: these pages are small, generated and under our control, so a real HTML
/// parser would buy nothing but a dependency.
/// </summary>
internal sealed partial class HtmlForm
{
    private HtmlForm(string? id, string method, string? action, IReadOnlyList<Field> fields)
    {
        Id = id;
        Method = method;
        Action = action;
        Fields = fields;
    }

    public string? Id { get; }

    /// <summary>Upper case; GET when absent, as in browsers.</summary>
    public string Method { get; }

    /// <summary>HTML-decoded; null means the page's own URL.</summary>
    public string? Action { get; }

    public IReadOnlyList<Field> Fields { get; }

    public bool HasPassword => Fields.Any(f => string.Equals(f.Type, "password", StringComparison.OrdinalIgnoreCase)
                                               || string.Equals(f.Name, "password", StringComparison.Ordinal));

    /// <summary>Only hidden inputs: what a page that submits itself by script (response_mode=form_post) looks like.</summary>
    public bool IsAllHidden => Fields.Count > 0 && Fields.All(f => string.Equals(f.Type, "hidden", StringComparison.OrdinalIgnoreCase));

    public Uri ResolveAction(Uri pageUri) => string.IsNullOrEmpty(Action) ? pageUri : new Uri(pageUri, Action);

    /// <summary>The fields a browser would submit, with <paramref name="overrides"/> replacing or adding values.</summary>
    public List<KeyValuePair<string, string>> Values(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var values = Fields
            .Where(f => f.Name.Length > 0 && !IsButton(f.Type))
            .Select(f => new KeyValuePair<string, string>(f.Name, overrides is not null && overrides.TryGetValue(f.Name, out var v) ? v : f.Value))
            .ToList();
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            if (!values.Exists(kv => kv.Key == name))
            {
                values.Add(new(name, value));
            }
        }

        return values;
    }

    public static IReadOnlyList<HtmlForm> Parse(string html)
    {
        var forms = new List<HtmlForm>();
        foreach (Match form in FormRegex().Matches(html))
        {
            var attributes = Attributes(form.Groups["attrs"].Value);
            var fields = InputRegex().Matches(form.Groups["body"].Value)
                .Select(input => Attributes(input.Groups["attrs"].Value))
                .Select(a => new Field(
                    a.GetValueOrDefault("name") ?? string.Empty,
                    a.GetValueOrDefault("value") ?? string.Empty,
                    a.GetValueOrDefault("type") ?? "text"))
                .ToList();
            forms.Add(new HtmlForm(
                attributes.GetValueOrDefault("id"),
                (attributes.GetValueOrDefault("method") ?? "get").ToUpperInvariant(),
                attributes.GetValueOrDefault("action"),
                fields));
        }

        return forms;
    }

    private static bool IsButton(string type) =>
        type.Equals("submit", StringComparison.OrdinalIgnoreCase) || type.Equals("button", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string> Attributes(string text)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match a in AttributeRegex().Matches(text))
        {
            var value = a.Groups["dq"].Success ? a.Groups["dq"].Value
                : a.Groups["sq"].Success ? a.Groups["sq"].Value
                : a.Groups["bare"].Value;
            attributes.TryAdd(a.Groups["name"].Value, WebUtility.HtmlDecode(value));
        }

        return attributes;
    }

    [GeneratedRegex(@"<form\b(?<attrs>[^>]*)>(?<body>.*?)</form\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FormRegex();

    [GeneratedRegex(@"<input\b(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex InputRegex();

    [GeneratedRegex(@"(?<name>[^\s=/>""']+)(?:\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s>""']+)))?", RegexOptions.Singleline)]
    private static partial Regex AttributeRegex();

    public sealed record Field(string Name, string Value, string Type);
}
