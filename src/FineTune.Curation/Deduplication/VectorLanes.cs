using System.Runtime.Intrinsics;

namespace FineTune.Curation.Deduplication;

/// <summary>
/// The few vector operations the MinHash kernel needs, over one register width, so that one generic kernel serves
/// 512-bit and 256-bit hardware (the JIT specializes it per struct, so nothing here costs a call).
/// </summary>
internal interface IVectorLanes<TVector> where TVector : struct
{
    static abstract int Count { get; }
    static abstract TVector AllBitsSet { get; }
    static abstract TVector Load(ReadOnlySpan<ulong> values);
    static abstract TVector Broadcast(ulong value);
    /// <summary>Lane-wise <see cref="MinHasher.Permute"/>.</summary>
    static abstract TVector Permute(TVector shingle, TVector seeds, TVector multipliers);
    static abstract TVector Min(TVector a, TVector b);
    static abstract void Store(TVector values, Span<ulong> destination);
}

internal readonly struct Lanes512 : IVectorLanes<Vector512<ulong>>
{
    public static int Count => Vector512<ulong>.Count;
    public static Vector512<ulong> AllBitsSet => Vector512<ulong>.AllBitsSet;
    public static Vector512<ulong> Load(ReadOnlySpan<ulong> values) => Vector512.Create(values);
    public static Vector512<ulong> Broadcast(ulong value) => Vector512.Create(value);
    public static Vector512<ulong> Min(Vector512<ulong> a, Vector512<ulong> b) => Vector512.Min(a, b);
    public static void Store(Vector512<ulong> values, Span<ulong> destination) => values.CopyTo(destination);

    public static Vector512<ulong> Permute(Vector512<ulong> shingle, Vector512<ulong> seeds, Vector512<ulong> multipliers)
    {
        var x = (shingle ^ seeds) * multipliers;
        return x ^ Vector512.ShiftRightLogical(x, MinHasher.FinalShift);
    }
}

internal readonly struct Lanes256 : IVectorLanes<Vector256<ulong>>
{
    public static int Count => Vector256<ulong>.Count;
    public static Vector256<ulong> AllBitsSet => Vector256<ulong>.AllBitsSet;
    public static Vector256<ulong> Load(ReadOnlySpan<ulong> values) => Vector256.Create(values);
    public static Vector256<ulong> Broadcast(ulong value) => Vector256.Create(value);
    public static Vector256<ulong> Min(Vector256<ulong> a, Vector256<ulong> b) => Vector256.Min(a, b);
    public static void Store(Vector256<ulong> values, Span<ulong> destination) => values.CopyTo(destination);

    public static Vector256<ulong> Permute(Vector256<ulong> shingle, Vector256<ulong> seeds, Vector256<ulong> multipliers)
    {
        var x = (shingle ^ seeds) * multipliers;
        return x ^ Vector256.ShiftRightLogical(x, MinHasher.FinalShift);
    }
}
