using FineTune.Models.Generation;

namespace FineTune.Models.Training;

/// <summary>
/// Batches of next-token windows cut from one long token stream. The windows of step s are a pure
/// function of (seed, s), so a run resumed at step s sees exactly the batches it would have seen —
/// no sampler state to checkpoint.
/// </summary>
public sealed class TokenWindows
{
    private readonly int[] _tokens;

    public TokenWindows(int[] tokens, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        if (tokens.Length < sequenceLength + 1)
            throw new ArgumentException($"The token stream holds {tokens.Length} tokens; a window of {sequenceLength} needs at least {sequenceLength + 1}.", nameof(tokens));
        _tokens = tokens;
        SequenceLength = sequenceLength;
    }

    public int SequenceLength { get; }
    public long TokenCount => _tokens.Length;

    /// <summary>Fills B windows for training step <paramref name="step"/>: inputs (B·T) and their next tokens as targets.</summary>
    public void RandomBatch(ulong seed, long step, Span<int> inputs, Span<int> targets)
    {
        // The step is scrambled before it meets the seed: seeding with seed ^ step·γ would make step s+1's
        // stream start where step s's second draw was, and consecutive batches would share their windows.
        var random = new SplitMix64(new SplitMix64((ulong)step).Next() ^ seed);
        var starts = (ulong)(_tokens.Length - SequenceLength);
        for (var row = 0; row < inputs.Length / SequenceLength; row++)
            Copy((int)(random.Next() % starts), row, inputs, targets);
    }

    /// <summary>
    /// Windows <paramref name="first"/>, first+1, … (one per row) of <paramref name="total"/> evenly
    /// spaced windows: a fixed validation set that covers the whole stream, the same every time.
    /// </summary>
    public void EvenlySpaced(int first, int total, Span<int> inputs, Span<int> targets)
    {
        var lastStart = (long)_tokens.Length - SequenceLength - 1;
        for (var row = 0; row < inputs.Length / SequenceLength; row++)
            Copy((int)(lastStart * (first + row) / Math.Max(1, total - 1)), row, inputs, targets);
    }

    /// <summary>How many non-overlapping windows the stream holds.</summary>
    public int DisjointWindows => (_tokens.Length - 1) / SequenceLength;

    private void Copy(int start, int row, Span<int> inputs, Span<int> targets)
    {
        _tokens.AsSpan(start, SequenceLength).CopyTo(inputs.Slice(row * SequenceLength, SequenceLength));
        _tokens.AsSpan(start + 1, SequenceLength).CopyTo(targets.Slice(row * SequenceLength, SequenceLength));
    }
}
