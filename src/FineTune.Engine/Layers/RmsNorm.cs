using System.Buffers;
using System.Numerics.Tensors;

namespace FineTune.Engine.Layers;

/// <summary>
/// Root-mean-square normalisation over the last dimension, as Hugging Face's LlamaRMSNorm:
/// out = w · (x · rstd), rstd = 1 / √(mean(x²) + eps).
/// </summary>
public static unsafe class RmsNorm
{
    /// <summary>Rows per parallel chunk: enough work to outweigh handing it to another core.</summary>
    const int MinRowsPerChunk = 16;
    /// <summary>Weight-gradient columns per parallel chunk: whole vectors, and enough rows of work behind each.</summary>
    const int MinColumnsPerChunk = 64;

    // x: (N, C), weight: (C), output: (N, C), rstd: (N) saved for Backward, or empty when none follows.
    public static void Forward(Span<float> output, Span<float> rstd, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps)
    {
        var rows = CheckShape(x.Length, weight.Length, output.Length, nameof(output));
        if (!rstd.IsEmpty) RequireRows(rstd.Length, rows, nameof(rstd));
        var c = weight.Length;
        fixed (float* o = output, r = rstd, xp = x, w = weight)
        {
            PinnedSpan outP = new(o, output.Length), rstdP = new(r, rstd.Length), xP = new(xp, x.Length), wP = new(w, c);
            LayerParallel.ForChunks(rows, MinRowsPerChunk, (start, count) =>
            {
                for (var n = start; n < start + count; n++)
                {
                    var row = xP.Span.Slice(n * c, c);
                    var outRow = outP.Span.Slice(n * c, c);
                    var inverse = InverseRms(row, eps);
                    if (!rstdP.Span.IsEmpty) rstdP.Span[n] = inverse;
                    // Hugging Face rounds x·rstd to float before the weight multiplies it.
                    TensorPrimitives.Multiply(row, inverse, outRow);
                    TensorPrimitives.Multiply(outRow, wP.Span, outRow);
                }
            });
        }
    }

    // dout, x: (N, C); weight: (C); rstd: (N) from Forward.
    // dx (N, C) += dout·∂out/∂x; dweight (C) += Σ_n dout·x·rstd, or empty when the weight is frozen.
    public static void Backward(Span<float> dx, Span<float> dweight, ReadOnlySpan<float> dout, ReadOnlySpan<float> x,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd)
    {
        var rows = CheckShape(x.Length, weight.Length, dout.Length, nameof(dout));
        if (dx.Length != x.Length) throw new ArgumentException($"dx has {dx.Length} elements; x has {x.Length}.", nameof(dx));
        RequireRows(rstd.Length, rows, nameof(rstd));
        if (!dweight.IsEmpty && dweight.Length != weight.Length)
            throw new ArgumentException($"dweight has {dweight.Length} elements; the weight has {weight.Length}.", nameof(dweight));
        var c = weight.Length;
        fixed (float* dxp = dx, dwp = dweight, dop = dout, xp = x, w = weight, r = rstd)
        {
            PinnedSpan dxP = new(dxp, dx.Length), dwP = new(dwp, dweight.Length), doutP = new(dop, dout.Length),
                xP = new(xp, x.Length), wP = new(w, c), rstdP = new(r, rows);
            // dx_k = rstd · (w_k·dy_k − x_k · rstd² · Σ_i dy_i·w_i·x_i / C), row by row.
            LayerParallel.ForChunks(rows, MinRowsPerChunk, (start, count) =>
            {
                var rented = ArrayPool<float>.Shared.Rent(c);
                try
                {
                    var weighted = rented.AsSpan(0, c);
                    for (var n = start; n < start + count; n++)
                    {
                        var row = xP.Span.Slice(n * c, c);
                        var dxRow = dxP.Span.Slice(n * c, c);
                        var inverse = rstdP.Span[n];
                        TensorPrimitives.Multiply(doutP.Span.Slice(n * c, c), wP.Span, weighted);
                        var projection = TensorPrimitives.Dot(weighted, row);
                        TensorPrimitives.FusedMultiplyAdd(weighted, inverse, dxRow, dxRow);
                        TensorPrimitives.FusedMultiplyAdd(row, -inverse * inverse * inverse * projection / c, dxRow, dxRow);
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(rented);
                }
            });
            if (dweight.IsEmpty) return;
            // dweight is split by columns, so each core owns its slice and the sum order is fixed.
            LayerParallel.ForChunks(c, MinColumnsPerChunk, (start, count) =>
            {
                var rented = ArrayPool<float>.Shared.Rent(count);
                try
                {
                    var product = rented.AsSpan(0, count);
                    var dw = dwP.Span.Slice(start, count);
                    for (var n = 0; n < rows; n++)
                    {
                        TensorPrimitives.Multiply(doutP.Span.Slice(n * c + start, count), xP.Span.Slice(n * c + start, count), product);
                        TensorPrimitives.FusedMultiplyAdd(product, rstdP.Span[n], dw, dw);
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(rented);
                }
            });
        }
    }

    /// <summary>The plain per-element loops the vectorised passes are tested against; sums in double.</summary>
    internal static void ReferenceForward(Span<float> output, Span<float> rstd, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps)
    {
        var c = weight.Length;
        for (var n = 0; n < x.Length / c; n++)
        {
            double squares = 0;
            for (var i = 0; i < c; i++) squares += (double)x[n * c + i] * x[n * c + i];
            var inverse = 1.0 / Math.Sqrt(squares / c + eps);
            rstd[n] = (float)inverse;
            for (var i = 0; i < c; i++) output[n * c + i] = (float)(x[n * c + i] * inverse * weight[i]);
        }
    }

    /// <summary>Reference backward; recomputes rstd itself rather than trusting the saved one.</summary>
    internal static void ReferenceBackward(Span<float> dx, Span<float> dweight, ReadOnlySpan<float> dout, ReadOnlySpan<float> x,
        ReadOnlySpan<float> weight, float eps)
    {
        var c = weight.Length;
        for (var n = 0; n < x.Length / c; n++)
        {
            double squares = 0, projection = 0;
            for (var i = 0; i < c; i++)
            {
                squares += (double)x[n * c + i] * x[n * c + i];
                projection += (double)dout[n * c + i] * weight[i] * x[n * c + i];
            }
            var inverse = 1.0 / Math.Sqrt(squares / c + eps);
            for (var i = 0; i < c; i++)
            {
                dx[n * c + i] += (float)(inverse * (weight[i] * dout[n * c + i] - x[n * c + i] * inverse * inverse * projection / c));
                if (!dweight.IsEmpty) dweight[i] += (float)((double)dout[n * c + i] * x[n * c + i] * inverse);
            }
        }
    }

    static float InverseRms(ReadOnlySpan<float> row, float eps)
    {
        var meanSquare = (double)TensorPrimitives.SumOfSquares(row) / row.Length;
        return (float)(1.0 / Math.Sqrt(meanSquare + eps));
    }

    static int CheckShape(int x, int channels, int other, string otherName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1, "weight.Length");
        if (x % channels != 0)
            throw new ArgumentException($"x has {x} elements, not whole rows of {channels}.", nameof(x));
        if (other != x) throw new ArgumentException($"{otherName} has {other} elements; x has {x}.", otherName);
        return x / channels;
    }

    static void RequireRows(int actual, int rows, string name)
    {
        if (actual != rows) throw new ArgumentException($"{name} has {actual} elements; there are {rows} rows.", name);
    }
}
