using FineTune.Engine.Layers;
using FineTune.Models.Training;

namespace FineTune.Models.FineTuning;

/// <summary>
/// Right-padded batches of B examples at a fixed length T. Padding needs no explicit attention
/// mask here: attention is causal, so a real token never sees the pads that follow it, and pads
/// carry <see cref="CrossEntropy.IgnoreIndex"/> targets, so they add neither loss nor gradient.
/// The order within an epoch is a shuffle drawn from (seed, epoch) alone, so any batch of any
/// epoch can be rebuilt without replaying the ones before it — which is what an exact resume needs.
/// </summary>
public sealed class ExampleBatches
{
    private const long ShufflePurpose = 0x5348_5546;
    private readonly IReadOnlyList<TrainingExample> _examples;
    private readonly int _padId;
    private int[] _order = [];
    private (int Seed, int Epoch) _orderFor = (0, -1);

    public ExampleBatches(ExampleSet set, int batchSize, int sequenceLength, int padId)
    {
        _examples = set.Examples;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        _padId = padId;
        InputIds = new int[batchSize * sequenceLength];
        Targets = new int[batchSize * sequenceLength];
        LastPositions = new int[batchSize];
        ClassLabels = new int[batchSize];
    }

    public int BatchSize { get; }
    public int SequenceLength { get; }
    public int BatchesPerEpoch => (_examples.Count + BatchSize - 1) / BatchSize;

    /// <summary>(B·T) token ids of the batch last filled.</summary>
    public int[] InputIds { get; }
    /// <summary>(B·T) next-token targets: labels shifted left by one; ignored on pads and unlabelled tokens.</summary>
    public int[] Targets { get; }
    /// <summary>(B) position of each row's last real token, −1 for an empty row (a short last batch).</summary>
    public int[] LastPositions { get; }
    /// <summary>(B) each row's class, or <see cref="CrossEntropy.IgnoreIndex"/> for an empty row.</summary>
    public int[] ClassLabels { get; }

    /// <summary>Fills the buffers with batch <paramref name="index"/> of <paramref name="epoch"/>; returns its real (unpadded) tokens.</summary>
    /// <param name="shuffle">False keeps the set's order (evaluation).</param>
    public int Fill(int seed, int epoch, int index, bool shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchesPerEpoch);
        Array.Fill(InputIds, _padId);
        Array.Fill(Targets, CrossEntropy.IgnoreIndex);
        Array.Fill(LastPositions, -1);
        Array.Fill(ClassLabels, CrossEntropy.IgnoreIndex);
        var tokens = 0;
        for (var row = 0; row < BatchSize; row++)
        {
            var at = index * BatchSize + row;
            if (at >= _examples.Count) break;
            var example = _examples[shuffle ? Order(seed, epoch)[at] : at];
            var length = Math.Min(example.Length, SequenceLength);
            var offset = row * SequenceLength;
            example.InputIds.AsSpan(0, length).CopyTo(InputIds.AsSpan(offset));
            if (example.Labels.Length > 0)
                example.Labels.AsSpan(1, length - 1).CopyTo(Targets.AsSpan(offset));
            LastPositions[row] = length - 1;
            ClassLabels[row] = example.ClassLabel;
            tokens += length;
        }
        return tokens;
    }

    private int[] Order(int seed, int epoch)
    {
        if (_orderFor == (seed, epoch)) return _order;
        _order = [.. Enumerable.Range(0, _examples.Count)];
        new Random(Seeds.Derive(seed, ShufflePurpose, epoch)).Shuffle(_order);
        _orderFor = (seed, epoch);
        return _order;
    }
}
