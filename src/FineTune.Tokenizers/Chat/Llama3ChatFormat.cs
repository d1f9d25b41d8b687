namespace FineTune.Tokenizers.Chat;

/// <summary>
/// Llama 3's layout: <c>&lt;|begin_of_text|&gt;</c> once, then per message
/// <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c> with the
/// content trimmed of surrounding white space (the template's <c>|trim</c>); the generation prompt is
/// <c>&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n</c>.
/// </summary>
/// <remarks>
/// Llama 3.1, 3.2 and 3.3 always open with a system turn that starts with
/// <c>Cutting Knowledge Date: December 2023\nToday Date: {date}\n\n</c>, followed by the caller's
/// system message (trimmed) if the first message is one, else nothing. This format does that when
/// given <paramref name="todayDate"/>. The templates take the date from the clock when they can
/// (strftime_now), which would make training data depend on the day it was rendered; this format
/// uses a fixed date instead — <see cref="ChatFormats.Detect(Config.TokenizerConfig, string)"/> takes
/// the template's own fallback, "26 Jul 2024". Tool calls and the ipython role are not rendered.
/// </remarks>
/// <param name="todayDate">The date of the Llama 3.1 system header; null for Llama 3.0, which has none.</param>
/// <param name="beginOfText">The BOS token's string.</param>
public sealed class Llama3ChatFormat(string? todayDate = null, string beginOfText = Llama3ChatFormat.BeginOfText) : IChatFormat
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";
    public const string KnowledgeCutoff = "Cutting Knowledge Date: December 2023";

    /// <summary>The date in the Llama 3.1 system header; null for Llama 3.0.</summary>
    public string? TodayDate { get; } = todayDate;
    public string BosToken { get; } = beginOfText;

    public string Name => TodayDate is null ? "llama3" : "llama3.1";
    public IReadOnlyList<string> SpecialTokens { get; } = [beginOfText, StartHeader, EndHeader, EndOfTurn];
    public string EndOfTurnToken => EndOfTurn;

    public RenderedChat Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ChatValidation.Check(messages, addGenerationPrompt);
        var segments = new SegmentList();
        segments.Special(BosToken, role: null, -1);
        var first = 0;
        if (TodayDate is not null)
        {
            // The 3.1 template takes a leading system message into its own header turn.
            var hasSystem = messages[0].Role == ChatRoles.System;
            var systemText = hasSystem ? JinjaText.Trim(messages[0].Content) : "";
            var index = hasSystem ? 0 : -1;
            AddHeader(segments, ChatRoles.System, index);
            segments.Text($"\n\n{KnowledgeCutoff}\nToday Date: {TodayDate}\n\n{systemText}", ChatRoles.System, index);
            segments.Special(EndOfTurn, ChatRoles.System, index);
            first = hasSystem ? 1 : 0;
        }
        for (var i = first; i < messages.Count; i++)
        {
            var (role, isReply) = (messages[i].Role, messages[i].Role == ChatRoles.Assistant);
            AddHeader(segments, role, i);
            segments.Text("\n\n", role, i);
            segments.Text(JinjaText.Trim(messages[i].Content), role, i, trainable: isReply);
            segments.Special(EndOfTurn, role, i, trainable: isReply);
        }
        if (addGenerationPrompt)
        {
            AddHeader(segments, ChatRoles.Assistant, -1);
            segments.Text("\n\n", ChatRoles.Assistant, -1);
        }
        return segments.ToRenderedChat();
    }

    static void AddHeader(SegmentList segments, string role, int messageIndex)
    {
        segments.Special(StartHeader, role, messageIndex);
        segments.Text(role, role, messageIndex);
        segments.Special(EndHeader, role, messageIndex);
    }
}
