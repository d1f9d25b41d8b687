using System.Buffers;
using System.Numerics.Tensors;

namespace FineTune.Engine.Layers;

/// <summary>The mean loss over the targets that count, and how many counted.</summary>
public readonly record struct CrossEntropyResult(float Loss, int Count);

/// <summary>
/// Softmax cross-entropy over the vocabulary, PyTorch's <c>cross_entropy(reduction="mean",
/// ignore_index=-100)</c>: the mean of −log softmax(logits)[target] over the rows whose target is
/// not <see cref="IgnoreIndex"/>.
/// </summary>
public static unsafe class CrossEntropy
{
    /// <summary>A target that contributes neither loss nor gradient (padding, prompt tokens).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>Rows per parallel chunk; a row is a whole vocabulary of work.</summary>
    const int MinRowsPerChunk = 4;
    /// <summary>Logits per pass of the exp-and-sum: fits the stack and L1.</summary>
    const int Strip = 1024;

    // logits: (N, V), targets: (N); logSumExp: (N) saved for Backward (0 for ignored rows).
    public static CrossEntropyResult Forward(Span<float> logSumExp, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets)
    {
        var vocab = CheckShape(logits.Length, targets, logSumExp.Length, nameof(logSumExp));
        var rented = ArrayPool<double>.Shared.Rent(targets.Length);
        try
        {
            var rowLoss = rented.AsSpan(0, targets.Length);
            fixed (float* lse = logSumExp, l = logits)
            fixed (int* t = targets)
            fixed (double* losses = rowLoss)
            {
                PinnedSpan lseP = new(lse, logSumExp.Length), logitsP = new(l, logits.Length);
                int* targetPtr = t;
                double* lossPtr = losses;
                LayerParallel.ForChunks(targets.Length, MinRowsPerChunk, (start, count) =>
                {
                    Span<float> strip = stackalloc float[Strip];
                    for (var n = start; n < start + count; n++)
                    {
                        var target = targetPtr[n];
                        if (target == IgnoreIndex)
                        {
                            lseP.Span[n] = 0;
                            lossPtr[n] = 0;
                            continue;
                        }
                        var row = logitsP.Span.Slice(n * vocab, vocab);
                        var rowLse = LogSumExp(row, strip);
                        lseP.Span[n] = (float)rowLse;
                        lossPtr[n] = rowLse - row[target];
                    }
                });
            }
            // Summed in row order, so the loss does not depend on how rows were spread over cores.
            double total = 0;
            foreach (var loss in rowLoss) total += loss;
            var counted = Counted(targets);
            return new CrossEntropyResult(counted == 0 ? 0f : (float)(total / counted), counted);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // logits: (N, V), logSumExp: (N) from Forward, targets: (N).
    // Writes (does not accumulate) dlogits (N, V) = (softmax − onehot(target)) · dloss / count, zero
    // rows for ignored targets. dlogits may be the very span of logits (same start and length) to
    // turn the logits into their gradient in place and save an (N, V) buffer.
    public static void Backward(Span<float> dlogits, ReadOnlySpan<float> logits, ReadOnlySpan<float> logSumExp,
        ReadOnlySpan<int> targets, float dloss = 1f)
    {
        var vocab = CheckShape(logits.Length, targets, logSumExp.Length, nameof(logSumExp));
        if (dlogits.Length != logits.Length)
            throw new ArgumentException($"dlogits has {dlogits.Length} elements; logits has {logits.Length}.", nameof(dlogits));
        var counted = Counted(targets);
        // All targets ignored: PyTorch's 0/0 would give NaN; here the gradient is simply zero.
        var scale = counted == 0 ? 0f : dloss / counted;
        fixed (float* d = dlogits, l = logits, lse = logSumExp)
        fixed (int* t = targets)
        {
            PinnedSpan dP = new(d, dlogits.Length), logitsP = new(l, logits.Length), lseP = new(lse, logSumExp.Length);
            int* targetPtr = t;
            LayerParallel.ForChunks(targets.Length, MinRowsPerChunk, (start, count) =>
            {
                for (var n = start; n < start + count; n++)
                {
                    var dRow = dP.Span.Slice(n * vocab, vocab);
                    var target = targetPtr[n];
                    if (target == IgnoreIndex || scale == 0)
                    {
                        dRow.Clear();
                        continue;
                    }
                    // softmax = exp(logit − lse); element-wise, so exact overlap with logits is safe.
                    TensorPrimitives.Subtract(logitsP.Span.Slice(n * vocab, vocab), lseP.Span[n], dRow);
                    TensorPrimitives.Exp(dRow, dRow);
                    TensorPrimitives.Multiply(dRow, scale, dRow);
                    dRow[target] -= scale;
                }
            });
        }
    }

    /// <summary>log Σ exp(row), shifted by the row's max so no exp overflows; the sum is kept in double.</summary>
    static double LogSumExp(ReadOnlySpan<float> row, Span<float> strip)
    {
        var max = TensorPrimitives.Max(row);
        double sum = 0;
        for (var at = 0; at < row.Length; at += strip.Length)
        {
            var n = Math.Min(strip.Length, row.Length - at);
            TensorPrimitives.Subtract(row.Slice(at, n), max, strip[..n]);
            TensorPrimitives.Exp(strip[..n], strip[..n]);
            sum += TensorPrimitives.Sum(strip[..n]);
        }
        return max + Math.Log(sum);
    }

    /// <summary>The plain loops the vectorised passes are tested against, all in double. Returns the mean loss.</summary>
    internal static double ReferenceForward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets)
    {
        var vocab = logits.Length / targets.Length;
        double total = 0;
        var counted = 0;
        for (var n = 0; n < targets.Length; n++)
        {
            if (targets[n] == IgnoreIndex) continue;
            total += ReferenceLogSumExp(logits.Slice(n * vocab, vocab)) - logits[n * vocab + targets[n]];
            counted++;
        }
        return counted == 0 ? 0 : total / counted;
    }

    internal static void ReferenceBackward(Span<float> dlogits, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, float dloss)
    {
        var vocab = logits.Length / targets.Length;
        var counted = Counted(targets);
        for (var n = 0; n < targets.Length; n++)
        {
            var lse = targets[n] == IgnoreIndex ? 0 : ReferenceLogSumExp(logits.Slice(n * vocab, vocab));
            for (var v = 0; v < vocab; v++)
            {
                var grad = targets[n] == IgnoreIndex ? 0
                    : (Math.Exp(logits[n * vocab + v] - lse) - (v == targets[n] ? 1 : 0)) * dloss / counted;
                dlogits[n * vocab + v] = (float)grad;
            }
        }
    }

    static double ReferenceLogSumExp(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (var x in row) max = Math.Max(max, x);
        foreach (var x in row) sum += Math.Exp(x - max);
        return max + Math.Log(sum);
    }

    static int Counted(ReadOnlySpan<int> targets)
    {
        var counted = 0;
        foreach (var t in targets) if (t != IgnoreIndex) counted++;
        return counted;
    }

    static int CheckShape(int logits, ReadOnlySpan<int> targets, int logSumExp, string logSumExpName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targets.Length, 1, nameof(targets));
        if (logits % targets.Length != 0 || logits == 0)
            throw new ArgumentException($"logits has {logits} elements, not {targets.Length} whole rows.", nameof(logits));
        if (logSumExp != targets.Length)
            throw new ArgumentException($"{logSumExpName} has {logSumExp} elements; there are {targets.Length} rows.", logSumExpName);
        var vocab = logits / targets.Length;
        for (var n = 0; n < targets.Length; n++)
            if (targets[n] != IgnoreIndex && (uint)targets[n] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(targets), targets[n],
                    $"Target {targets[n]} at row {n} is outside the vocabulary 0…{vocab - 1} (and is not the ignore index {IgnoreIndex}).");
        return vocab;
    }
}
