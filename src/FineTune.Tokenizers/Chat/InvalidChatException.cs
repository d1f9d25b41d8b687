namespace FineTune.Tokenizers.Chat;

/// <summary>A conversation that cannot be rendered; the message names the offending turn.</summary>
public sealed class InvalidChatException(string message, int messageIndex) : ArgumentException(message)
{
    /// <summary>The index of the offending message; −1 when the problem is the conversation as a whole.</summary>
    public int MessageIndex { get; } = messageIndex;
}
