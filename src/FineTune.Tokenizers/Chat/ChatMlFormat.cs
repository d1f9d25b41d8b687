namespace FineTune.Tokenizers.Chat;

/// <summary>
/// ChatML, as Qwen2.5 and SmolLM2 use it: each message is
/// <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c>, content untouched, and the generation
/// prompt is <c>&lt;|im_start|&gt;assistant\n</c>. No BOS token.
/// </summary>
/// <remarks>
/// Qwen2.5's and SmolLM2's templates put a system message of their own first when the conversation
/// does not start with one ("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
/// "You are a helpful AI assistant named SmolLM, trained by Hugging Face"). This format does the
/// same when given <paramref name="defaultSystemMessage"/> — <see cref="ChatFormats.Detect(Config.TokenizerConfig, string)"/>
/// takes it from the template — so a fine-tuned model sees the prefix it will see at inference.
/// The default message is context, never trained on.
/// </remarks>
/// <param name="defaultSystemMessage">The system message to add when the first message is not a system one; null for none.</param>
public sealed class ChatMlFormat(string? defaultSystemMessage = null) : IChatFormat
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    public string? DefaultSystemMessage { get; } = defaultSystemMessage;

    public string Name => "chatml";
    public IReadOnlyList<string> SpecialTokens { get; } = [ImStart, ImEnd];
    public string EndOfTurnToken => ImEnd;

    public RenderedChat Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ChatValidation.Check(messages, addGenerationPrompt);
        var segments = new SegmentList();
        if (DefaultSystemMessage is not null && messages[0].Role != ChatRoles.System)
            AddTurn(segments, ChatRoles.System, DefaultSystemMessage, messageIndex: -1);
        for (var i = 0; i < messages.Count; i++)
            AddTurn(segments, messages[i].Role, messages[i].Content, i);
        if (addGenerationPrompt)
        {
            segments.Special(ImStart, ChatRoles.Assistant, -1);
            segments.Text(ChatRoles.Assistant + "\n", ChatRoles.Assistant, -1);
        }
        return segments.ToRenderedChat();
    }

    static void AddTurn(SegmentList segments, string role, string content, int messageIndex)
    {
        var isReply = role == ChatRoles.Assistant;
        segments.Special(ImStart, role, messageIndex);
        segments.Text(role + "\n", role, messageIndex);
        segments.Text(content, role, messageIndex, trainable: isReply);
        segments.Special(ImEnd, role, messageIndex, trainable: isReply);
        segments.Text("\n", role, messageIndex);
    }
}
