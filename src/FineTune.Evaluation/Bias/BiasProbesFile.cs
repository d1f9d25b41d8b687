using System.Text.Json;

namespace FineTune.Evaluation.Bias;

/// <summary>
/// Reads <c>bias-probes.json</c>: <c>templates</c> (id, text, continuation) and <c>groups</c>, each a
/// <c>dimension</c> with <c>pairs</c> of two subjects (name, pronoun, possessive, object, optional origin).
/// Errors name the file and the JSON path of the offending field.
/// </summary>
internal static class BiasProbesFile
{
    public static BiasProbes Read(string path)
    {
        var root = DataFiles.ReadJson(path);

        var templates = Array(path, root, "templates").Select((t, i) => new BiasTemplate(
            Text(path, t, $"templates[{i}]", "id"),
            Text(path, t, $"templates[{i}]", "text"),
            Text(path, t, $"templates[{i}]", "continuation"))).ToList();
        var groups = Array(path, root, "groups").Select((g, i) => new CounterfactualGroup(
            Text(path, g, $"groups[{i}]", "dimension"),
            Array(path, g, "pairs", $"groups[{i}].").Select((pair, j) => Pair(path, pair, $"groups[{i}].pairs[{j}]")).ToList())).ToList();
        try
        {
            return new BiasProbes(templates, groups);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    private static (BiasSubject A, BiasSubject B) Pair(string path, JsonElement pair, string where)
    {
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
            throw new FormatException($"{path}: {where} must be an array of exactly two subjects.");
        return (Subject(path, pair[0], where + "[0]"), Subject(path, pair[1], where + "[1]"));
    }

    private static BiasSubject Subject(string path, JsonElement subject, string where) => new(
        Text(path, subject, where, "name"),
        Text(path, subject, where, "pronoun"),
        Text(path, subject, where, "possessive"),
        Text(path, subject, where, "object"),
        subject.TryGetProperty("origin", out var origin) && origin.ValueKind == JsonValueKind.String ? origin.GetString() : null);

    private static IEnumerable<JsonElement> Array(string path, JsonElement parent, string field, string where = "")
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            throw new FormatException($"{path}: {where}{field} must be a non-empty array.");
        return array.EnumerateArray();
    }

    private static string Text(string path, JsonElement parent, string where, string field)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
            return value.GetString()!;
        throw new FormatException($"{path}: {where}.{field} must be a non-empty string.");
    }
}
