using System.Text.Json;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.FineTuning.Data;

/// <summary>
/// One line of a JSONL training file, in the shapes OpenAI's fine-tuning and Hugging Face's
/// trainers take: <c>{"messages": [...]}</c> (chat), <c>{"prompt", "completion"}</c>,
/// <c>{"text", "label"}</c> (classification) or <c>{"text"}</c> (continued pre-training).
/// </summary>
public abstract record TaskRecord(int Line)
{
    /// <summary>Reads every line; an error names the file, the line and the field.</summary>
    public static List<TaskRecord> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The data file '{path}' does not exist.", path);
        var records = new List<TaskRecord>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            records.Add(Parse(text, path, line));
        }
        return records;
    }

    public static TaskRecord Parse(string json, string file, int line)
    {
        string Where(string? field = null) => field is null ? $"{file}:{line}" : $"{file}:{line}, field '{field}'";
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException e) { throw new InvalidDataException($"{Where()}: not valid JSON ({e.Message})."); }
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{Where()}: expected a JSON object.");

        string Text(string field) => root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()! : throw new InvalidDataException($"{Where(field)}: missing, or not a string.");

        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
                throw new InvalidDataException($"{Where("messages")}: expected a non-empty array of messages.");
            var list = new List<ChatMessage>();
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var field = $"messages[{index++}]";
                if (message.ValueKind != JsonValueKind.Object
                    || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                    || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{Where(field)}: each message needs a string 'role' and a string 'content'.");
                if (!ChatRoles.IsKnown(role.GetString()!))
                    throw new InvalidDataException($"{Where(field + ".role")}: unknown role '{role.GetString()}' (system, user or assistant).");
                list.Add(new ChatMessage(role.GetString()!, content.GetString()!));
            }
            if (list[^1].Role != ChatRoles.Assistant)
                throw new InvalidDataException($"{Where("messages")}: the last message must be the assistant's reply to learn from.");
            return new ChatRecord(line, list);
        }
        if (root.TryGetProperty("prompt", out _)) return new ChatRecord(line, [new(ChatRoles.User, Text("prompt")), new(ChatRoles.Assistant, Text("completion"))]);
        if (root.TryGetProperty("label", out _)) return new ClassRecord(line, Text("text"), Text("label"));
        if (root.TryGetProperty("text", out _)) return new TextRecord(line, Text("text"));
        throw new InvalidDataException($"{Where()}: expected 'messages', 'prompt'/'completion', 'text'/'label' or 'text'.");
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
