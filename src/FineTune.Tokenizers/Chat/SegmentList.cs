namespace FineTune.Tokenizers.Chat;

/// <summary>Collects the segments of one rendering; empty text is dropped, as it has no tokens.</summary>
internal sealed class SegmentList
{
    readonly List<ChatSegment> segments = [];

    public void Special(string token, string? role, int messageIndex, bool trainable = false) =>
        segments.Add(new ChatSegment(token, IsSpecial: true, role, messageIndex, trainable));

    public void Text(string text, string? role, int messageIndex, bool trainable = false)
    {
        if (text.Length > 0) segments.Add(new ChatSegment(text, IsSpecial: false, role, messageIndex, trainable));
    }

    public RenderedChat ToRenderedChat() => new([.. segments]);
}
