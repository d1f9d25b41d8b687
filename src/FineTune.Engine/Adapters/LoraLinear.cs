using System.Buffers;
using System.Numerics.Tensors;
using FineTune.Engine.Kernels;
using FineTune.Engine.Layers;

namespace FineTune.Engine.Adapters;

/// <summary>
/// LoRA on one linear layer (Hu et al.): y = x·W0ᵀ + bias + s·(dropout(x)·Aᵀ)·Bᵀ.
/// W0 and bias are frozen and get no gradient; A and B are trained. The adapter path runs as two
/// thin products through the rank r instead of forming W0 + s·B·A, which is what keeps it cheap.
/// </summary>
public static partial class LoraLinear
{
    // x: (N, C), w0: (OC, C) frozen, bias: (OC) or empty, a: (r, C), b: (OC, r), output: (N, OC)
    // xa: (N, r) written here and kept for Backward: dropout(x)·Aᵀ
    // dropoutMask: (N, C) from AdapterDropout.DrawMask, or empty for no dropout
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, int inChannels, int outChannels, int rank,
        Span<float> xa, ReadOnlySpan<float> dropoutMask)
    {
        var n = AdapterShape.Rows(x.Length, w0.Length, a.Length, b.Length, inChannels, outChannels, rank);
        AdapterShape.Require(xa.Length, n * rank, nameof(xa));
        Linear.Forward(output, x, w0, bias, inChannels, outChannels);
        var rented = RentDropped(x, dropoutMask, out var adapterInput);
        try
        {
            Gemm.Sgemm(Transpose.No, Transpose.Yes, n, rank, inChannels, 1f, adapterInput, inChannels, a, inChannels, 0f, xa, rank);
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
        Gemm.Sgemm(Transpose.No, Transpose.Yes, n, outChannels, rank, scale, xa, rank, b, rank, 1f, output, outChannels);
    }

    // dout: (N, OC); x, w0, a, b, xa, dropoutMask as passed to (and written by) Forward.
    // dx (N, C) += dout·W0 + (s·dout·B·A) ⊙ mask; da (r, C) += (s·dout·B)ᵀ·dropout(x); db (OC, r) += s·doutᵀ·xa.
    // W0 and bias are frozen: nothing is computed for them. dx, da or db may be empty to skip it.
    public static void Backward(Span<float> dx, Span<float> da, Span<float> db, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale,
        ReadOnlySpan<float> xa, ReadOnlySpan<float> dropoutMask, int inChannels, int outChannels, int rank)
    {
        var n = AdapterShape.Rows(x.Length, w0.Length, a.Length, b.Length, inChannels, outChannels, rank);
        AdapterShape.Require(dout.Length, n * outChannels, nameof(dout));
        AdapterShape.Require(xa.Length, n * rank, nameof(xa));
        if (!dx.IsEmpty) AdapterShape.Require(dx.Length, x.Length, nameof(dx));
        if (!da.IsEmpty) AdapterShape.Require(da.Length, a.Length, nameof(da));
        if (!db.IsEmpty) AdapterShape.Require(db.Length, b.Length, nameof(db));
        if (!dropoutMask.IsEmpty) AdapterShape.Require(dropoutMask.Length, x.Length, nameof(dropoutMask));

        // The frozen path: an empty dweight tells Linear to skip W0's gradient product entirely.
        Linear.Backward(dx, default, default, dout, x, w0, inChannels, outChannels);
        if (!db.IsEmpty)
            Gemm.Sgemm(Transpose.Yes, Transpose.No, outChannels, rank, n, scale, dout, outChannels, xa, rank, 1f, db, rank);
        if (dx.IsEmpty && da.IsEmpty) return;

        var dxaRented = ArrayPool<float>.Shared.Rent(n * rank);
        var scratchRented = ArrayPool<float>.Shared.Rent(x.Length);
        try
        {
            // dxa (N, r) = s·dout·B, the gradient at the adapter's bottleneck.
            var dxa = dxaRented.AsSpan(0, n * rank);
            Gemm.Sgemm(Transpose.No, Transpose.No, n, rank, outChannels, scale, dout, outChannels, b, rank, 0f, dxa, rank);
            var scratch = scratchRented.AsSpan(0, x.Length);
            if (!da.IsEmpty)
            {
                ReadOnlySpan<float> adapterInput = x;
                if (!dropoutMask.IsEmpty)
                {
                    TensorPrimitives.Multiply(x, dropoutMask, scratch);
                    adapterInput = scratch;
                }
                Gemm.Sgemm(Transpose.Yes, Transpose.No, rank, inChannels, n, 1f, dxa, rank, adapterInput, inChannels, 1f, da, inChannels);
            }
            if (dx.IsEmpty) return;
            if (dropoutMask.IsEmpty)
            {
                Gemm.Sgemm(Transpose.No, Transpose.No, n, inChannels, rank, 1f, dxa, rank, a, inChannels, 1f, dx, inChannels);
                return;
            }
            // Dropout sits before A, so its mask gates the adapter's share of dx (not the frozen path's).
            Gemm.Sgemm(Transpose.No, Transpose.No, n, inChannels, rank, 1f, dxa, rank, a, inChannels, 0f, scratch, inChannels);
            TensorPrimitives.MultiplyAdd(scratch, dropoutMask, dx, dx);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dxaRented);
            ArrayPool<float>.Shared.Return(scratchRented);
        }
    }

    // w0: (OC, C), a: (r, C), b: (OC, r), destination: (OC, C) = W0 + s·B·A.
    // A merged layer runs as a plain Linear with no adapter cost; equal to Forward with dropout off.
    public static void Merge(ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale,
        Span<float> destination, int inChannels, int outChannels, int rank)
    {
        AdapterShape.Rows(0, w0.Length, a.Length, b.Length, inChannels, outChannels, rank);
        AdapterShape.Require(destination.Length, w0.Length, nameof(destination));
        w0.CopyTo(destination);
        Gemm.Sgemm(Transpose.No, Transpose.No, outChannels, inChannels, rank, scale, b, rank, a, inChannels, 1f, destination, inChannels);
    }

    /// <summary>x ⊙ mask in a rented buffer, or x itself (and null) when there is no mask.</summary>
    static float[]? RentDropped(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, out ReadOnlySpan<float> dropped)
    {
        if (mask.IsEmpty)
        {
            dropped = x;
            return null;
        }
        AdapterShape.Require(mask.Length, x.Length, "dropoutMask");
        var rented = ArrayPool<float>.Shared.Rent(x.Length);
        var span = rented.AsSpan(0, x.Length);
        TensorPrimitives.Multiply(x, mask, span);
        dropped = span;
        return rented;
    }
}
