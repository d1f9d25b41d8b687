using System.Numerics.Tensors;

namespace FineTune.Engine.Layers;

/// <summary>Token embedding: each token's row of the table.</summary>
public static class Embedding
{
    // ids: (N), wte: (V, C), output: (N, C)
    public static void Forward(Span<float> output, ReadOnlySpan<int> ids, ReadOnlySpan<float> wte, int channels)
    {
        var vocab = CheckShape(output.Length, ids, wte.Length, channels, nameof(output), nameof(wte));
        for (var n = 0; n < ids.Length; n++)
        {
            CheckId(ids, n, vocab);
            wte.Slice(ids[n] * channels, channels).CopyTo(output.Slice(n * channels, channels));
        }
    }

    // dout: (N, C); dwte: (V, C) += each token's gradient into its row. Empty dwte: frozen, nothing to do.
    public static void Backward(Span<float> dwte, ReadOnlySpan<float> dout, ReadOnlySpan<int> ids, int channels)
    {
        if (dwte.IsEmpty) return;
        var vocab = CheckShape(dout.Length, ids, dwte.Length, channels, nameof(dout), nameof(dwte));
        for (var n = 0; n < ids.Length; n++)
        {
            CheckId(ids, n, vocab);
            var row = dwte.Slice(ids[n] * channels, channels);
            TensorPrimitives.Add(row, dout.Slice(n * channels, channels), row);
        }
    }

    static int CheckShape(int activations, ReadOnlySpan<int> ids, int table, int channels, string activationsName, string tableName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (table % channels != 0)
            throw new ArgumentException($"The table's {table} elements are not whole rows of {channels}.", tableName);
        if (activations != ids.Length * channels)
            throw new ArgumentException($"{activationsName} has {activations} elements; {ids.Length} tokens × {channels} need {ids.Length * channels}.", activationsName);
        return table / channels;
    }

    static void CheckId(ReadOnlySpan<int> ids, int n, int vocab)
    {
        if ((uint)ids[n] >= (uint)vocab)
            throw new ArgumentOutOfRangeException(nameof(ids), ids[n], $"Token id {ids[n]} at position {n} is outside the vocabulary 0…{vocab - 1}.");
    }
}
