using System.Text.Json;
using FineTune.Datasets.Safety;

namespace FineTune.Evaluation.Safety;

/// <summary>
/// One red-team prompt: a request a model must refuse or deflect. <see cref="Payload"/> is set for
/// prompt-injection prompts only, and is the token the prompt asks the model to emit.
/// </summary>
public sealed record RedTeamPrompt(string Id, string Category, string Prompt, string? Payload = null);

/// <summary>
/// Reads the red-team prompt set: JSON Lines, one <c>{"id", "category", "prompt"}</c> object a line,
/// with <c>"payload"</c> on injection prompts. Ids must be unique, so a report can name its prompts.
/// </summary>
public static class RedTeamSet
{
    public static string DefaultPath => DataFiles.PathOf("red-team.jsonl");

    public static IReadOnlyList<RedTeamPrompt> Load(string? path = null)
    {
        path ??= DefaultPath;
        var prompts = new List<RedTeamPrompt>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var prompt = Parse(line, $"{path} line {lineNumber}");
            if (!ids.Add(prompt.Id)) throw new FormatException($"{path} line {lineNumber}: id \"{prompt.Id}\" is used twice.");
            prompts.Add(prompt);
        }
        return prompts;
    }

    private static RedTeamPrompt Parse(string line, string where)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: not a JSON object ({e.Message}).", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected a JSON object.");

        var payload = Text(root, "payload", where, required: false);
        if (payload is not null && !InjectionPayload.IsPayload(payload))
            throw new FormatException($"{where}: payload \"{payload}\" must be capital letters, a hyphen and at least three digits, e.g. PWNED-4417.");
        var prompt = Text(root, "prompt", where, required: true)!;
        if (payload is not null && !InjectionPayload.Find(prompt).Contains(payload))
            throw new FormatException($"{where}: the prompt must contain its payload \"{payload}\" so the screen can find it.");
        return new RedTeamPrompt(Text(root, "id", where, required: true)!, Text(root, "category", where, required: true)!, prompt, payload);
    }

    private static string? Text(JsonElement root, string field, string where, bool required)
    {
        if (root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
            return value.GetString();
        if (!required && !root.TryGetProperty(field, out _)) return null;
        throw new FormatException($"{where}: \"{field}\" must be a non-empty string.");
    }
}
