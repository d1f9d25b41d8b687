using System.Buffers;

namespace FineTune.Engine.Quantization;

/// <summary>
/// Activation vectors quantized for <see cref="Int8Matrix.Multiply(ReadOnlySpan{float}, int, Span{float})"/>:
/// int8 codes per block of 32 with a float32 scale each (absmax/127, not stored, so not narrowed),
/// and the codes once more as int16, which the AVX-512 kernel would otherwise widen for every row.
/// Rented from the shared pools, since a decode step quantizes its vector for every product; dispose it.
/// </summary>
internal readonly struct Int8Activations : IDisposable
{
    private Int8Activations(sbyte[] codes, short[] wide, float[] scales)
    {
        Codes = codes;
        Wide = wide;
        Scales = scales;
    }

    /// <summary>count × columns codes; longer than that, as rented.</summary>
    public sbyte[] Codes { get; }

    /// <summary>The codes as int16; as long as <see cref="Codes"/>.</summary>
    public short[] Wide { get; }

    /// <summary>count × columns/32 scales; longer than that, as rented.</summary>
    public float[] Scales { get; }

    /// <param name="x">Vectors one after another; a whole number of blocks of <see cref="Int8Block.Size"/>.</param>
    public static Int8Activations Quantize(ReadOnlySpan<float> x)
    {
        var blocks = x.Length / Int8Block.Size;
        var codes = ArrayPool<sbyte>.Shared.Rent(x.Length);
        var wide = ArrayPool<short>.Shared.Rent(x.Length);
        var scales = ArrayPool<float>.Shared.Rent(blocks);
        for (var b = 0; b < blocks; b++)
        {
            var block = x.Slice(b * Int8Block.Size, Int8Block.Size);
            var absMax = 0f;
            // MathF.Max keeps a NaN, so a NaN activation makes its outputs NaN rather than vanish as code 0.
            foreach (var value in block) absMax = MathF.Max(absMax, MathF.Abs(value));
            var scale = absMax / Int8Block.MaxCode;
            var inverse = scale == 0 ? 0 : 1 / scale;
            scales[b] = scale;
            for (var i = 0; i < Int8Block.Size; i++)
                wide[b * Int8Block.Size + i] = codes[b * Int8Block.Size + i] = Int8Block.Code(block[i] * inverse);
        }
        return new Int8Activations(codes, wide, scales);
    }

    public void Dispose()
    {
        ArrayPool<sbyte>.Shared.Return(Codes);
        ArrayPool<short>.Shared.Return(Wide);
        ArrayPool<float>.Shared.Return(Scales);
    }
}
