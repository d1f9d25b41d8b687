using System.Text.Json;

namespace FineTune.Models.Evaluation;

/// <summary>
/// Scores generated JSON against a reference object. Values are compared as JSON, not as text, so key order,
/// whitespace and number spelling (<c>1</c> vs <c>1.0</c>) do not matter while a value of the wrong type does.
/// </summary>
public static class StructuredOutputMetrics
{
    /// <summary>
    /// Parses both sides and checks every key of the reference. A prediction that is not a JSON object is invalid and
    /// gets every field wrong. Equality is <see cref="JsonElement.DeepEquals"/>: strings exactly, numbers by value,
    /// objects regardless of key order, arrays element by element.
    /// </summary>
    /// <exception cref="ArgumentException">The reference is not a JSON object: that is a data-set error, not a model error.</exception>
    public static FieldScore Score(string prediction, string reference)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);

        using JsonDocument expected = ParseReference(reference);
        using JsonDocument? predicted = TryParseObject(prediction);

        var fields = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (JsonProperty field in expected.RootElement.EnumerateObject())
        {
            fields[field.Name] = predicted is not null
                && predicted.RootElement.TryGetProperty(field.Name, out JsonElement value)
                && JsonElement.DeepEquals(value, field.Value);
        }

        int correct = fields.Values.Count(isCorrect => isCorrect);
        return new FieldScore(predicted is not null, correct, fields.Count, fields);
    }

    private static JsonDocument ParseReference(string reference) =>
        TryParseObject(reference) ?? throw new ArgumentException("The reference must be a JSON object.", nameof(reference));

    /// <summary>The parsed text, or null when it is malformed or not an object: for model output an expected outcome, not an error.</summary>
    private static JsonDocument? TryParseObject(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        return null;
    }
}
