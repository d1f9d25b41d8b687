using System.Text.Json;
using System.Text.Json.Serialization;
using FineTune.Tokenizers.Chat;

namespace FineTune.Inference.Apis;

/// <summary>OpenAI's chat request: the fields this service honours.</summary>
public sealed record ChatCompletionRequest(
    string? Model,
    IReadOnlyList<ChatMessage>? Messages,
    int? MaxTokens = null,
    int? MaxCompletionTokens = null,
    float? Temperature = null,
    float? TopP = null,
    JsonElement? Stop = null,
    long? Seed = null,
    int? N = null,
    bool Stream = false);

/// <summary>OpenAI's (legacy) completion request: a plain prompt.</summary>
public sealed record CompletionRequest(
    string? Model,
    string? Prompt,
    int? MaxTokens = null,
    float? Temperature = null,
    float? TopP = null,
    JsonElement? Stop = null,
    long? Seed = null,
    int? N = null,
    bool Stream = false);

public sealed record Usage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

public sealed record AssistantMessage(string Role, string Content);

public sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    [JsonPropertyName("object")]
    public string Object => "chat.completion";
}

public sealed record ChunkDelta(string? Role, string? Content);

public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason);

public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, Usage? Usage = null)
{
    [JsonPropertyName("object")]
    public string Object => "chat.completion.chunk";
}

public sealed record TextChoice(int Index, string Text, string? FinishReason);

public sealed record TextCompletion(string Id, long Created, string Model, IReadOnlyList<TextChoice> Choices, Usage? Usage)
{
    [JsonPropertyName("object")]
    public string Object => "text_completion";
}
