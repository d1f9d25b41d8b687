using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FineTune.Models.Formats;

/// <summary>
/// Widening and narrowing between float32 and the 16-bit float formats checkpoints are stored in.
/// Each fast path has a scalar reference beside it; the tests compare them over all 65536 patterns.
/// </summary>
internal static class FloatConversion
{
    // bfloat16 is the top half of a float32: widening is a 16-bit shift, exact for every pattern (NaN included).
    public static void Bf16ToFloat(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(destination);
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(lower, 16).CopyTo(bits.Slice(i));
                Vector256.ShiftLeft(upper, 16).CopyTo(bits.Slice(i + Vector256<uint>.Count));
            }
        }
        Bf16ToFloatReference(source[i..], destination[i..]);
    }

    public static void Bf16ToFloatReference(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        for (var i = 0; i < source.Length; i++) destination[i] = BitConverter.UInt32BitsToSingle((uint)source[i] << 16);
    }

    /// <summary>Round to nearest, ties to even, as PyTorch's <c>.to(torch.bfloat16)</c> does; NaN stays a quiet NaN.</summary>
    public static ushort FloatToBf16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static void FloatToBf16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        CheckLengths(source.Length, destination.Length);
        for (var i = 0; i < source.Length; i++) destination[i] = FloatToBf16(source[i]);
    }

    // IEEE half: TensorPrimitives vectorizes the widening; the reference is the runtime's scalar cast.
    public static void F16ToFloat(ReadOnlySpan<Half> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        TensorPrimitives.ConvertToSingle(source, destination);
    }

    public static void F16ToFloatReference(ReadOnlySpan<Half> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        for (var i = 0; i < source.Length; i++) destination[i] = (float)source[i];
    }

    public static void FloatToF16(ReadOnlySpan<float> source, Span<Half> destination)
    {
        CheckLengths(source.Length, destination.Length);
        TensorPrimitives.ConvertToHalf(source, destination);
    }

    public static void F64ToFloat(ReadOnlySpan<double> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        for (var i = 0; i < source.Length; i++) destination[i] = (float)source[i];
    }

    private static void CheckLengths(int source, int destination)
    {
        if (source != destination)
            throw new ArgumentException($"source has {source} elements but destination has {destination}.");
    }
}
