namespace FineTune.Tokenizers.Chat;

/// <summary>How a model family lays out a conversation in text and special tokens.</summary>
public interface IChatFormat
{
    /// <summary>A short name for logs and errors, e.g. "chatml".</summary>
    string Name { get; }

    /// <summary>The special tokens the format emits; the vocabulary must have each.</summary>
    IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>The special token that ends an assistant turn: where generation stops.</summary>
    string EndOfTurnToken { get; }

    /// <summary>
    /// Lays out <paramref name="messages"/>. Without a generation prompt this is a training example
    /// and must end with the assistant's reply; with one, it is a prompt and must not.
    /// </summary>
    /// <exception cref="InvalidChatException">The conversation is empty, a role is unknown, or it ends wrongly.</exception>
    RenderedChat Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt);
}
