using FineTune.Engine.Quantization;

namespace FineTune.Models.Llama;

/// <summary>How an inference session holds the decoder's projection weights.</summary>
public enum WeightPrecision
{
    Float32,
    /// <summary>Symmetric int8 in 32-weight blocks with a float16 scale (<see cref="Int8Matrix"/>): a quarter of the bytes to read per token.</summary>
    Int8,
}

/// <summary>
/// The decoder's projections (q, k, v, o, gate, up, down) and the head served from int8 copies of their weights.
/// A projection whose input width is not a multiple of the 32-weight block (688 in the shipped model's
/// MLP) is quantized with zero columns added, and its inputs padded to match, so every projection is
/// 8-bit. Every row count runs the same W8A32 kernel (<see cref="Int8Matrix.Multiply(ReadOnlySpan{float}, int, Span{float})"/>:
/// weights dequantized in registers, activations kept in float32), whose sums for one row do not
/// depend on the other rows of the step, so a sequence's logits are the same bits whether it decodes
/// alone, batched with fifteen others, or as part of a prefill chunk. Inference only: there is no backward.
/// </summary>
internal sealed class Int8Projections : IProjections
{
    private readonly Dictionary<(int Layer, string Module), (Int8Matrix Matrix, int Columns)> _matrices = [];
    [ThreadStatic] private static float[]? _padded;

    public Int8Projections(LlamaModel model)
    {
        foreach (var p in ServedProjection.Of(model))
            _matrices[(p.Layer, p.Module)] = (Quantize(model[p.Weight], p.OutChannels, p.InChannels), p.InChannels);
        Bytes = _matrices.Values.Sum(m => m.Matrix.ByteSize);
        Float32Bytes = _matrices.Values.Sum(m => (long)m.Matrix.Rows * m.Columns * sizeof(float));
    }

    /// <summary>Bytes of the int8 projections, and of the same weights in float32.</summary>
    public long Bytes { get; }
    public long Float32Bytes { get; }

    public void Forward(int layer, string module, Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        var (matrix, columns) = _matrices[(layer, module)];
        var rows = x.Length / inChannels;
        if (matrix.Columns == columns) matrix.Multiply(x, rows, output);
        else
        {
            var padded = _padded is { } buffer && buffer.Length >= rows * matrix.Columns ? buffer : _padded = new float[rows * matrix.Columns];
            Array.Clear(padded, 0, rows * matrix.Columns);
            for (var r = 0; r < rows; r++) x.Slice(r * columns, columns).CopyTo(padded.AsSpan(r * matrix.Columns));
            matrix.Multiply(padded.AsSpan(0, rows * matrix.Columns), rows, output);
        }
        if (!bias.IsEmpty)
            for (var r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(output.Slice(r * outChannels, outChannels), bias, output.Slice(r * outChannels, outChannels));
    }

    public void Backward(int layer, string module, Span<float> dx, Span<float> dweight, Span<float> dbias, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int inChannels, int outChannels) =>
        throw new NotSupportedException("Int8 projections serve inference only; train on float32 weights.");

    private static Int8Matrix Quantize(ReadOnlySpan<float> weight, int rows, int columns)
    {
        var padded = (columns + Int8Block.Size - 1) / Int8Block.Size * Int8Block.Size;
        if (padded == columns) return Int8Matrix.Quantize(weight, rows, columns);
        var wide = new float[rows * padded];
        for (var r = 0; r < rows; r++) weight.Slice(r * columns, columns).CopyTo(wide.AsSpan(r * padded));
        return Int8Matrix.Quantize(wide, rows, padded);
    }
}
