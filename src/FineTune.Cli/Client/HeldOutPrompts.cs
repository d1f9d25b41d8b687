using System.Text.Json;

namespace FineTune.Cli.Client;

/// <summary>Reads one curated record as a question and the answer it expects: a chat up to its first user turn, or a prompt/completion pair.</summary>
internal static class HeldOutPrompts
{
    public static HeldOutPrompt? Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            var turns = messages.EnumerateArray()
                .Select(m => new ChatTurn(m.GetProperty("role").GetString() ?? "", m.TryGetProperty("content", out var c) ? c.GetString() ?? "" : ""))
                .ToList();
            var question = turns.FindIndex(t => t.Role == "user");
            if (question < 0) return null;
            var answer = turns.Skip(question + 1).FirstOrDefault(t => t.Role == "assistant");
            return new HeldOutPrompt(turns[..(question + 1)], answer?.Content ?? "");
        }
        if (root.TryGetProperty("prompt", out var prompt) && prompt.GetString() is { } text)
            return new HeldOutPrompt([new ChatTurn("user", text)], root.TryGetProperty("completion", out var completion) ? completion.GetString() ?? "" : "");
        return null;
    }
}
