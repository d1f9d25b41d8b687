namespace FineTune.Tokenizers.Chat;

/// <summary>
/// A rendered conversation as token ids, with the loss mask beside them. <see cref="Labels"/> is
/// aligned with <see cref="InputIds"/>, not shifted (as Hugging Face's labels): the loss at position
/// t predicts Labels[t + 1] from InputIds[0..t].
/// </summary>
public sealed class TokenizedChat(int[] inputIds, bool[] trainable)
{
    /// <summary>The label of a position the loss ignores (PyTorch's cross-entropy ignore_index).</summary>
    public const int IgnoreLabel = -100;

    public int[] InputIds { get; } = inputIds;

    /// <summary>True where the token is one the model must learn to produce.</summary>
    public bool[] Trainable { get; } = trainable;

    /// <summary>The id where <see cref="Trainable"/>, <see cref="IgnoreLabel"/> elsewhere.</summary>
    public int[] Labels { get; } = [.. inputIds.Select((id, i) => trainable[i] ? id : IgnoreLabel)];

    public int Count => InputIds.Length;
}
