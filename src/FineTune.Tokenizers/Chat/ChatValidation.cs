namespace FineTune.Tokenizers.Chat;

/// <summary>The checks every format makes before rendering, so that their errors read the same.</summary>
internal static class ChatValidation
{
    public static void Check(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            throw new InvalidChatException("The conversation is empty: it needs at least one message.", -1);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new InvalidChatException($"Message {i} is null.", i);
            if (message.Role is null || !ChatRoles.IsKnown(message.Role))
                throw new InvalidChatException(
                    $"Message {i} has role '{message.Role}'; the roles are '{ChatRoles.System}', '{ChatRoles.User}' and '{ChatRoles.Assistant}'.", i);
            if (message.Content is null)
                throw new InvalidChatException($"Message {i} ({message.Role}) has no content.", i);
        }

        var last = messages.Count - 1;
        var endsWithAssistant = messages[last].Role == ChatRoles.Assistant;
        if (!addGenerationPrompt && !endsWithAssistant)
            throw new InvalidChatException(
                $"Message {last}, the last, has role '{messages[last].Role}': a training example must end with the assistant's reply.", last);
        if (addGenerationPrompt && endsWithAssistant)
            throw new InvalidChatException(
                $"Message {last}, the last, is the assistant's: a generation prompt would open a second assistant turn after it.", last);
    }
}
