namespace FineTune.Tokenizers.Chat;

/// <summary>A conversation laid out by an <see cref="IChatFormat"/>, in order.</summary>
public sealed class RenderedChat(IReadOnlyList<ChatSegment> segments)
{
    public IReadOnlyList<ChatSegment> Segments { get; } = segments;

    /// <summary>The whole conversation as one string: what Hugging Face's apply_chat_template(tokenize=False) returns.</summary>
    public string Text => string.Concat(Segments.Select(s => s.Text));

    /// <summary>The text the model is trained to produce, in order.</summary>
    public string TrainableText => string.Concat(Segments.Where(s => s.Trainable).Select(s => s.Text));
}
