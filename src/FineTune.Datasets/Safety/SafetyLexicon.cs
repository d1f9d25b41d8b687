using System.Text.Json;

namespace FineTune.Datasets.Safety;

/// <summary>
/// The word and phrase lists <see cref="LexiconSafetyScreen"/> matches: one list per harmful content
/// category, plus the phrases with which a model complies with a request. <see cref="Licence"/> records
/// where the lists came from, because the evaluation issue requires a list taken from a package to
/// carry its licence.
/// </summary>
public sealed record SafetyLexicon(
    string Licence,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Categories,
    IReadOnlyList<string> Compliance)
{
    /// <summary>
    /// Where the shipped lexicon lies: the build copies <c>Safety/safety-lexicon.json</c> into the output
    /// folder of every project that references this library, so each service finds it beside its binaries.
    /// </summary>
    public static string DefaultPath { get; } = Path.Combine(AppContext.BaseDirectory, "Safety", "safety-lexicon.json");

    public static SafetyLexicon Load(string path)
    {
        var root = JsonDataFile.Read(path);

        var licence = root.TryGetProperty("licence", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";
        if (string.IsNullOrWhiteSpace(licence))
            throw new FormatException($"{path}: \"licence\" is missing or empty; say where the word lists come from and under which licence.");

        if (!root.TryGetProperty("categories", out var categories) || categories.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: \"categories\" must be an object mapping a category name to its list of terms.");
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var category in categories.EnumerateObject())
            lists[category.Name] = Terms(path, $"categories.{category.Name}", category.Value);
        if (lists.Count == 0) throw new FormatException($"{path}: \"categories\" is empty.");

        var compliance = root.TryGetProperty("compliance", out var c)
            ? Terms(path, "compliance", c)
            : throw new FormatException($"{path}: \"compliance\" is missing; list the phrases that start a compliant answer.");
        return new SafetyLexicon(licence, lists, compliance);
    }

    private static List<string> Terms(string path, string field, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            throw new FormatException($"{path}: \"{field}\" must be a non-empty array of strings.");
        var terms = new List<string>();
        foreach (var term in element.EnumerateArray())
        {
            if (term.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(term.GetString()))
                throw new FormatException($"{path}: \"{field}\" item {terms.Count + 1} must be a non-empty string, not {term.GetRawText()}.");
            terms.Add(term.GetString()!.Trim());
        }
        return terms;
    }
}
