namespace FineTune.Tokenizers.Chat;

/// <summary>A piece of a rendered conversation: either plain text or exactly one special token.</summary>
/// <param name="Text">The text; for a special token, its string (e.g. <c>&lt;|im_start|&gt;</c>).</param>
/// <param name="IsSpecial">True when <paramref name="Text"/> is one special token, to be looked up, not encoded.</param>
/// <param name="Role">The role of the turn it belongs to; null for text outside any turn (BOS).</param>
/// <param name="MessageIndex">The index of the message it came from; −1 for text the format adds
/// itself (BOS, a default system message, the generation prompt).</param>
/// <param name="Trainable">True for what the model must learn to produce: an assistant's content and
/// the marker that ends its turn. Everything else is context.</param>
public sealed record ChatSegment(string Text, bool IsSpecial, string? Role, int MessageIndex, bool Trainable);
