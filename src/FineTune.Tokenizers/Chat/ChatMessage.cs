namespace FineTune.Tokenizers.Chat;

/// <summary>One turn of a conversation: who speaks (see <see cref="ChatRoles"/>) and what they say.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>The roles the built-in formats render.</summary>
public static class ChatRoles
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";

    public static bool IsKnown(string role) => role is System or User or Assistant;
}
