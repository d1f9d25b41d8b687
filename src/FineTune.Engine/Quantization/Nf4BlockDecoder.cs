using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FineTune.Engine.Quantization;

/// <summary>
/// Turns packed NF4 blocks back into floats: out[i] = Values[code i] * scale of its block.
/// Packing: two codes per byte, the even (earlier) element in the LOW nibble.
/// A scalar reference and an AVX-512 kernel that must agree exactly (both do one float multiply
/// of the same table value by the same scale).
/// </summary>
internal static class Nf4BlockDecoder
{
    public const int BlockSize = 64;
    public const int BlockBytes = BlockSize / 2;

    // codes: (blocks * 32) bytes, output: (blocks * 64) floats; block b uses scales.Scale(firstBlock + b)
    public static void DecodeReference(ReadOnlySpan<byte> codes, NestedScales scales, int firstBlock, Span<float> output)
    {
        ReadOnlySpan<float> values = Nf4CodeBook.Values;
        int blocks = codes.Length / BlockBytes;
        for (int b = 0; b < blocks; b++)
        {
            float scale = scales.Scale(firstBlock + b);
            for (int j = 0; j < BlockBytes; j++)
            {
                byte packed = codes[b * BlockBytes + j];
                output[b * BlockSize + 2 * j] = values[packed & 0xF] * scale;
                output[b * BlockSize + 2 * j + 1] = values[packed >> 4] * scale;
            }
        }
    }

    /// <summary>The fast path where the CPU has AVX-512; otherwise the reference.</summary>
    public static void Decode(ReadOnlySpan<byte> codes, NestedScales scales, int firstBlock, Span<float> output)
    {
        if (Avx512F.IsSupported && Avx512BW.IsSupported)
            DecodeAvx512(codes, scales, firstBlock, output);
        else
            DecodeReference(codes, scales, firstBlock, output);
    }

    private static void DecodeAvx512(ReadOnlySpan<byte> codes, NestedScales scales, int firstBlock, Span<float> output)
    {
        // The whole 16-entry table sits in one register; vpermps looks codes up in it.
        Vector512<float> table = Vector512.Create(Nf4CodeBook.Values);
        Vector128<byte> lowNibble = Vector128.Create((byte)0x0F);
        int blocks = codes.Length / BlockBytes;
        if (blocks == 0)
            return; // an empty slab: nothing to take a reference to
        if (output.Length < blocks * BlockSize)
            throw new ArgumentException("output shorter than the blocks decoded", nameof(output));
        ref byte source = ref Unsafe.AsRef(in codes[0]);
        ref float destination = ref output[0];
        for (int b = 0; b < blocks; b++)
        {
            Vector512<float> scale = Vector512.Create(scales.Scale(firstBlock + b));
            // 8 packed bytes -> 16 codes in element order -> 16 floats, four times per block.
            for (int eighth = 0; eighth < BlockBytes; eighth += 8)
            {
                ulong eight = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, b * BlockBytes + eighth));
                Vector128<byte> packed = Vector128.CreateScalar(eight).AsByte();
                Vector128<byte> low = packed & lowNibble;
                Vector128<byte> high = Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & lowNibble;
                Vector128<byte> ordered = Sse2.UnpackLow(low, high);
                Vector512<int> indices = Avx512F.ConvertToVector512Int32(ordered);
                Vector512<float> decoded = Avx512F.PermuteVar16x32(table, indices) * scale;
                decoded.StoreUnsafe(ref destination, (nuint)(b * BlockSize + 2 * eighth));
            }
        }
    }
}
