using System.Text.Json;

namespace FineTune.Gateway.RateLimiting;

/// <summary>
/// What a completion request will cost before it runs, as OpenAI estimates it: the prompt at about
/// four characters a token plus the most it may generate (<c>max_completion_tokens</c> or
/// <c>max_tokens</c>, else a default) times <c>n</c>. A body that is not JSON is charged by its size;
/// the service will reject it anyway.
/// </summary>
public static class TokenEstimate
{
    private const int CharactersPerToken = 4;

    public static int Of(ReadOnlySpan<byte> body, int defaultCompletionTokens)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return BySize(body, defaultCompletionTokens);
            var characters = 0L;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
                foreach (var message in messages.EnumerateArray())
                    characters += message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) ? TextLength(content) : 0;
            if (root.TryGetProperty("prompt", out var prompt)) characters += TextLength(prompt);
            var completion = Number(root, "max_completion_tokens") ?? Number(root, "max_tokens") ?? defaultCompletionTokens;
            var choices = Math.Max(1, Number(root, "n") ?? 1);
            return Saturate((characters + CharactersPerToken - 1) / CharactersPerToken + (long)completion * choices);
        }
        catch (JsonException)
        {
            return BySize(body, defaultCompletionTokens);
        }
    }

    private static int BySize(ReadOnlySpan<byte> body, int completion) => Saturate((body.Length + CharactersPerToken - 1) / CharactersPerToken + (long)completion);

    /// <summary>Characters of text in a string, an array of strings, or an array of content parts (<c>{"type":"text","text":…}</c>).</summary>
    private static long TextLength(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Length,
        JsonValueKind.Array => value.EnumerateArray().Sum(item => item.ValueKind == JsonValueKind.Object
            ? item.TryGetProperty("text", out var text) ? TextLength(text) : 0
            : TextLength(item)),
        _ => 0,
    };

    private static int? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0 ? number : null;

    private static int Saturate(long value) => (int)Math.Min(int.MaxValue, value);
}
