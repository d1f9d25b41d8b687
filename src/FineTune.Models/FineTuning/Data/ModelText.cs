using FineTune.Models.Llama;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Chat;
using FineTune.Tokenizers.Config;

namespace FineTune.Models.FineTuning.Data;

/// <summary>
/// A model folder's text side: its tokenizer, its chat format (from the chat template in
/// tokenizer_config.json) and the ids a trainer and a generator need — padding, end of text and
/// end of turn.
/// </summary>
public sealed class ModelText
{
    private ModelText(Tokenizer tokenizer, IChatFormat? chat, int padId, int endOfTextId, int? endOfTurnId)
    {
        Tokenizer = tokenizer;
        Chat = chat;
        PadId = padId;
        EndOfTextId = endOfTextId;
        EndOfTurnId = endOfTurnId;
    }

    public Tokenizer Tokenizer { get; }
    /// <summary>Null when the model has no chat template (then only text and classification tasks apply).</summary>
    public IChatFormat? Chat { get; }
    public int PadId { get; }
    public int EndOfTextId { get; }
    public int? EndOfTurnId { get; }

    public static ModelText Load(string folder)
    {
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(tokenizerPath)) throw new FileNotFoundException($"model folder '{folder}' has no tokenizer.json.", tokenizerPath);
        var tokenizer = Tokenizer.LoadHuggingFace(tokenizerPath);
        var configPath = Path.Combine(folder, TokenizerConfig.FileName);
        var config = File.Exists(configPath) ? TokenizerConfig.Read(configPath) : new TokenizerConfig();
        var chat = string.IsNullOrWhiteSpace(config.ChatTemplate) ? null : ChatFormats.Detect(config, Path.GetFileName(Path.GetFullPath(folder)));
        int Id(string? token, string what) => token is not null && tokenizer.TokenToId(token) is { } id ? id
            : throw new ArgumentException($"model folder '{folder}': the {what} '{token}' is not in the tokenizer's vocabulary.");
        var eos = Id(config.EosToken ?? tokenizer.SpecialTokens.Keys.FirstOrDefault(), "end-of-text token");
        var pad = config.PadToken is null ? eos : Id(config.PadToken, "padding token");
        return new ModelText(tokenizer, chat, pad, eos, chat is null ? null : Id(chat.EndOfTurnToken, "end-of-turn token"));
    }

    /// <summary>
    /// A chat as a training example: rendered with the model's template, loss only on the assistant
    /// turns (their content and the end-of-turn token that closes them).
    /// </summary>
    public TrainingExample ChatExample(IReadOnlyList<ChatMessage> messages)
    {
        var tokens = Tokenize(messages, addGenerationPrompt: false);
        return new TrainingExample(tokens.InputIds, tokens.Labels);
    }

    /// <summary>The prompt a chat model answers: every message but the last assistant turn, and the header that opens a reply.</summary>
    public int[] ChatPrompt(IReadOnlyList<ChatMessage> messages) => Tokenize(messages, addGenerationPrompt: true).InputIds;

    /// <summary>Renders with the model's template; message text is encoded as text, so it cannot smuggle in control tokens.</summary>
    private TokenizedChat Tokenize(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var chat = Chat ?? throw new InvalidOperationException("This model has no chat template; chat data needs one.");
        return ChatTokenizer.Tokenize(chat.Render(messages, addGenerationPrompt),
            text => Tokenizer.Encode(text, SpecialTokenPolicy.AsText), special => Tokenizer.TokenToId(special) ?? -1);
    }

    /// <summary>Raw text for continued pre-training: the text, then end of text.</summary>
    public TrainingExample TextExample(string text) => TrainingExample.ForText([.. Tokenizer.Encode(text, SpecialTokenPolicy.AsText), EndOfTextId]);

    /// <summary>Text to classify: its tokens, then end of text, whose hidden state the head reads.</summary>
    public TrainingExample ClassExample(string text, int classLabel) =>
        TrainingExample.ForClass([.. Tokenizer.Encode(text, SpecialTokenPolicy.AsText), EndOfTextId], classLabel);
}
