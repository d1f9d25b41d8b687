using System.Text.Json;
using FineTune.Tokenizers.Chat;

namespace FineTune.Datasets;

/// <summary>
/// One line of a JSONL training file, in the shapes OpenAI's fine-tuning and Hugging Face's
/// trainers take: <c>{"messages": [...]}</c> (chat), <c>{"prompt", "completion"}</c>,
/// <c>{"text", "label"}</c> (classification) or <c>{"text"}</c> (continued pre-training).
/// </summary>
public abstract record TaskRecord(int Line)
{
    /// <summary>Reads every record of a JSONL file, stopping at the first bad line (training wants all or nothing).</summary>
    public static List<TaskRecord> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The data file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return [.. JsonlReader.Read(stream, path).Select(result => result.Record ?? throw new InvalidDataException(result.Error!.Message, result.Error))];
    }

    /// <summary>One line's record; throws <see cref="RecordException"/> naming the line, the field and the reason.</summary>
    public static TaskRecord Parse(string json, string file, int line)
    {
        RecordException Bad(string? field, string reason) => new(file, line, field, reason);
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException e)
        {
            throw Bad(null, e.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Expected depth to be zero", StringComparison.Ordinal)
                ? "truncated JSON (the line ends inside a value)"
                : $"not valid JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw Bad(null, "expected a JSON object");

        string Text(string field) => root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()! : throw Bad(field, "missing, or not a string");

        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
                throw Bad("messages", "expected a non-empty array of messages");
            var list = new List<ChatMessage>();
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var field = $"messages[{index++}]";
                if (message.ValueKind != JsonValueKind.Object) throw Bad(field, "each message must be an object");
                if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                    throw Bad(field + ".role", "missing role");
                if (!ChatRoles.IsKnown(role.GetString()!))
                    throw Bad(field + ".role", $"unknown role '{role.GetString()}' (system, user or assistant)");
                if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    throw Bad(field + ".content", "missing, or not a string");
                if (string.IsNullOrWhiteSpace(content.GetString())) throw Bad(field + ".content", "empty content");
                list.Add(new ChatMessage(role.GetString()!, content.GetString()!));
            }
            if (list[^1].Role != ChatRoles.Assistant)
                throw Bad("messages", "the last message must be the assistant's reply to learn from");
            return new ChatRecord(line, list);
        }
        if (root.TryGetProperty("prompt", out _)) return new ChatRecord(line, [new(ChatRoles.User, Text("prompt")), new(ChatRoles.Assistant, Text("completion"))]);
        if (root.TryGetProperty("label", out _)) return new ClassRecord(line, Text("text"), Text("label"));
        if (root.TryGetProperty("text", out _)) return new TextRecord(line, Text("text"));
        throw Bad(null, "expected 'messages', 'prompt'/'completion', 'text'/'label' or 'text'");
    }
}

/// <summary>A conversation whose last message is the assistant reply to learn.</summary>
public sealed record ChatRecord(int Line, IReadOnlyList<ChatMessage> Messages) : TaskRecord(Line)
{
    public string Reply => Messages[^1].Content;
    public IReadOnlyList<ChatMessage> Prompt => [.. Messages.Take(Messages.Count - 1)];
}

public sealed record ClassRecord(int Line, string Text, string Label) : TaskRecord(Line);

public sealed record TextRecord(int Line, string Text) : TaskRecord(Line);
