using System.Text.Json;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Chat;
using FineTune.Tokenizers.Config;

namespace FineTune.Cli.Pretraining;

/// <summary>
/// What the base model says to the dataset's first question before any fine-tuning: the engine,
/// tokenizer and chat template running on the user's own data, and the baseline fine-tuning is
/// meant to improve.
/// </summary>
internal static class BaseModelPreview
{
    public sealed record Preview(string ModelName, long Parameters, string Question, string Answer, string ChatFormat);

    public static Preview Run(string modelFolder, string datasetPath, ulong seed = 1)
    {
        var (model, tokenizer) = BaseModelFiles.Load(modelFolder);
        var name = Path.GetFileName(Path.GetFullPath(modelFolder));
        var format = ChatFormats.Detect(TokenizerConfig.Read(Path.Combine(modelFolder, TokenizerConfig.FileName)), name);
        var messages = FirstConversation(datasetPath);
        var prompt = format.Render(messages, addGenerationPrompt: true);
        var ids = ChatTokenizer.Tokenize(prompt, text => tokenizer.Encode(text, SpecialTokenPolicy.AsText),
            special => tokenizer.SpecialTokens[special]).InputIds;
        var stop = tokenizer.SpecialTokens.TryGetValue(format.EndOfTurnToken, out var id) ? [id] : Array.Empty<int>();
        var options = new SamplingOptions { Temperature = 0.7f, TopK = 40, MaxNewTokens = 40, Seed = seed, StopTokenIds = stop };
        var result = new LlamaGenerator(new InferenceSession(model)).Generate([ids], options)[0];
        var answer = tokenizer.Decode(result.TokenIds.ToArray(), skipSpecialTokens: true).Trim();
        return new Preview(name, model.ParameterCount, messages[^1].Content, answer, format.Name);
    }

    /// <summary>The first record's messages up to and including its first user turn.</summary>
    private static IReadOnlyList<ChatMessage> FirstConversation(string datasetPath)
    {
        var line = File.ReadLines(datasetPath).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l))
                   ?? throw new ArgumentException($"dataset '{datasetPath}' is empty.");
        var messages = new List<ChatMessage>();
        try
        {
            using var json = JsonDocument.Parse(line);
            foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
            {
                messages.Add(new ChatMessage(message.GetProperty("role").GetString()!, message.GetProperty("content").GetString()!));
                if (messages[^1].Role == ChatRoles.User) return messages;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"the first line of '{datasetPath}' is not a chat record ({e.Message}).");
        }
        throw new ArgumentException($"the first record of '{datasetPath}' has no user message.");
    }
}
