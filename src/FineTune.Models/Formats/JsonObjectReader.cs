using System.Text.Json;

namespace FineTune.Models.Formats;

/// <summary>
/// Typed access to the fields of one JSON object from a model file, where every failure becomes a
/// <see cref="ModelFormatException"/> naming the file and the field. A field set to <c>null</c>
/// counts as absent, as it does for Hugging Face's Python loaders.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _object;
    private readonly string _prefix;

    private JsonObjectReader(JsonElement obj, string file, string prefix)
    {
        _object = obj;
        File = file;
        _prefix = prefix;
    }

    public string File { get; }

    /// <summary>Parses <paramref name="json"/> (read from <paramref name="file"/>) and requires an object at its root.</summary>
    public static JsonObjectReader Parse(string json, string file)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(file, null, $"is not valid JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(file, null, $"must hold a JSON object, got {Describe(root)}");
        return new JsonObjectReader(root, file, "");
    }

    public static JsonObjectReader ReadFile(string path) => Parse(System.IO.File.ReadAllText(path), path);

    public IEnumerable<JsonProperty> Properties => _object.EnumerateObject();

    /// <summary>Whether the field is written at all, even as <c>null</c>.</summary>
    public bool IsPresent(string field) => _object.TryGetProperty(field, out _);

    public JsonElement? Optional(string field) =>
        _object.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public JsonElement Required(string field) => Optional(field) ?? throw Error(field, "is required but missing");

    public JsonObjectReader? OptionalObject(string field)
    {
        if (Optional(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Object) throw Error(field, $"must be an object, got {Describe(value)}");
        return new JsonObjectReader(value, File, FullName(field) + ".");
    }

    public int RequiredInt(string field) => AsInt(field, Required(field));

    public int? OptionalInt(string field) => Optional(field) is { } value ? AsInt(field, value) : null;

    public long? OptionalLong(string field)
    {
        if (Optional(field) is not { } value) return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var result)
            ? result
            : throw Error(field, $"must be an integer, got {Describe(value)}");
    }

    public double? OptionalDouble(string field)
    {
        if (Optional(field) is not { } value) return null;
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw Error(field, $"must be a number, got {Describe(value)}");
    }

    public bool? OptionalBool(string field) => Optional(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } value => throw Error(field, $"must be true or false, got {Describe(value)}"),
    };

    public string? OptionalString(string field) => Optional(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { } value => throw Error(field, $"must be a string, got {Describe(value)}"),
    };

    public string[]? OptionalStringList(string field)
    {
        if (Optional(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw Error(field, $"must be a list of strings, got {Describe(value)}");
        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>An integer or a list of integers (as <c>eos_token_id</c> may be); absent gives an empty list.</summary>
    public int[] IntOrIntList(string field)
    {
        if (Optional(field) is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array) return [AsInt(field, value)];
        return value.EnumerateArray().Select(e => AsInt(field, e)).ToArray();
    }

    public ModelFormatException Error(string field, string problem) => new(File, FullName(field), problem);

    public static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        if (text.Length > 60) text = text[..60] + "…";
        return $"{value.ValueKind.ToString().ToLowerInvariant()} {text}";
    }

    private string FullName(string field) => _prefix + field;

    private int AsInt(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result)
            ? result
            : throw Error(field, $"must be an integer, got {Describe(value)}");
}
