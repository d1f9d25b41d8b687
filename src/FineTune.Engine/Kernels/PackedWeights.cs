namespace FineTune.Engine.Kernels;

/// <summary>
/// A weight W (n×k, row-major, PyTorch's (out, in)) rearranged once into the panel layout that
/// <see cref="Gemm.MultiplyPacked"/> streams through (see <see cref="Packing"/>). Packing reads all of
/// W, so pack a weight that is used many times (every decode step) and repack it only when it changes.
/// </summary>
public sealed unsafe class PackedWeights
{
    private readonly float[] _storage; // pinned, so the aligned offset into it never moves
    private readonly int _offset;

    private PackedWeights(int n, int k)
    {
        N = n;
        K = k;
        var length = Packing.PanelFloats(n, k);
        if (length > Array.MaxLength - AlignedFloats.AlignmentFloats)
            throw new ArgumentOutOfRangeException(nameof(n), $"a {n}×{k} weight is too large to pack into one array");
        _storage = GC.AllocateUninitializedArray<float>((int)length + AlignedFloats.AlignmentFloats, pinned: true);
        fixed (float* start = _storage) _offset = (int)(AlignedFloats.Align(start) - start);
    }

    /// <summary>Output features: rows of W, columns of the product.</summary>
    public int N { get; }

    /// <summary>Input features: columns of W.</summary>
    public int K { get; }

    /// <summary>Packs W (n×k, row-major).</summary>
    public static PackedWeights Pack(ReadOnlySpan<float> w, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var packed = new PackedWeights(n, k);
        packed.Repack(w);
        return packed;
    }

    /// <summary>Packs new values of a W of the same shape into this instance, allocating nothing.</summary>
    public void Repack(ReadOnlySpan<float> w)
    {
        if (w.Length != (long)N * K)
            throw new ArgumentException($"W has {w.Length} values; a {N}×{K} weight needs {(long)N * K}.", nameof(w));
        Packing.PackPanels(w, N, K, K, sourceIsTransposed: false, Panels);
    }

    internal Span<float> Panels => _storage.AsSpan(_offset, (int)Packing.PanelFloats(N, K));

    internal float* Pointer => (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _storage[_offset]);
}
