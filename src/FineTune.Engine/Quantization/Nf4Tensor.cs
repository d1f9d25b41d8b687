namespace FineTune.Engine.Quantization;

/// <summary>
/// A frozen (out, in) weight matrix stored as QLoRA NF4 with double-quantized scales, for the base
/// weights under LoRA adapters. Blocks of 64 consecutive weights along a row share one absmax;
/// columns must be a multiple of 64 so a block never straddles two rows and any row slab can be
/// decoded on its own (every Llama projection width is).
/// Layout and bytes: codes (rows*columns/2, two per byte, earlier element in the low nibble) +
/// <see cref="NestedScales"/> (1 byte per block, 4 per 256 blocks, 4 for the mean). About 0.516
/// bytes per weight on large matrices against 4 for fp32.
/// </summary>
public sealed class Nf4Tensor
{
    public const int BlockSize = Nf4BlockDecoder.BlockSize;

    private readonly byte[] _codes;
    private readonly NestedScales _scales;

    private Nf4Tensor(int rows, int columns, byte[] codes, NestedScales scales)
    {
        Rows = rows;
        Columns = columns;
        _codes = codes;
        _scales = scales;
    }

    public int Rows { get; }

    public int Columns { get; }

    public long ElementCount => (long)Rows * Columns;

    /// <summary>Every byte the quantized matrix keeps: codes plus nested scales.</summary>
    public long ByteSize => _codes.Length + _scales.ByteSize;

    public double BytesPerWeight => (double)ByteSize / ElementCount;

    internal NestedScales Scales => _scales;

    /// <summary>Exact bytes for a shape, without quantizing anything.</summary>
    public static long ByteSizeFor(int rows, int columns)
    {
        long elements = (long)rows * columns;
        return elements / 2 + NestedScales.ByteSizeFor((int)(elements / BlockSize));
    }

    /// <param name="weights">Row-major (rows, columns), all finite.</param>
    /// <exception cref="ArgumentException">Shape mismatch, columns not a multiple of 64, or a NaN/Inf (named by row and column).</exception>
    public static Nf4Tensor Quantize(ReadOnlySpan<float> weights, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (columns % BlockSize != 0)
            throw new ArgumentException($"columns ({columns}) must be a multiple of the NF4 block size {BlockSize}", nameof(columns));
        long elements = (long)rows * columns;
        if (elements > Array.MaxLength)
            throw new ArgumentException($"{rows}x{columns} exceeds one .NET array of codes", nameof(rows));
        if (weights.Length != elements)
            throw new ArgumentException($"expected {rows}x{columns} = {elements} weights, got {weights.Length}", nameof(weights));

        int blocks = (int)(elements / BlockSize);
        var absmax = new float[blocks];
        for (int b = 0; b < blocks; b++)
            absmax[b] = BlockAbsMax(weights.Slice(b * BlockSize, BlockSize), b * BlockSize, columns);

        // Codes are chosen against the true fp32 absmax, as bitsandbytes does; only the stored
        // scale is the double-quantized one, so each block's largest weight is always code ±1.
        var codes = new byte[elements / 2];
        for (int b = 0; b < blocks; b++)
        {
            // A reciprocal multiply instead of a divide: at most an ulp away, far from any code boundary
            // that matters (the absmax element still lands on ±1). A zero block maps to code 0.0.
            float inverse = absmax[b] == 0f ? 0f : 1f / absmax[b];
            ReadOnlySpan<float> block = weights.Slice(b * BlockSize, BlockSize);
            for (int j = 0; j < BlockSize; j += 2)
            {
                int low = Nf4CodeBook.NearestCode(block[j] * inverse);
                int high = Nf4CodeBook.NearestCode(block[j + 1] * inverse);
                codes[(b * BlockSize + j) / 2] = (byte)(low | (high << 4));
            }
        }
        return new Nf4Tensor(rows, columns, codes, NestedScales.Quantize(absmax));
    }

    /// <summary>The whole matrix, row-major, into the first Rows*Columns floats of <paramref name="destination"/>.</summary>
    public void Dequantize(Span<float> destination) => DequantizeRows(0, Rows, destination);

    /// <summary>
    /// Rows [firstRow, firstRow+rowCount) into <paramref name="destination"/> (rowCount*Columns floats),
    /// so a forward/backward pass can decode one slab into scratch at a time.
    /// </summary>
    public void DequantizeRows(int firstRow, int rowCount, Span<float> destination) =>
        Nf4BlockDecoder.Decode(SlabCodes(firstRow, rowCount, destination), _scales, FirstBlock(firstRow), destination);

    /// <summary>The scalar reference for <see cref="DequantizeRows"/>; the tests hold the fast path to it.</summary>
    internal void DequantizeRowsReference(int firstRow, int rowCount, Span<float> destination) =>
        Nf4BlockDecoder.DecodeReference(SlabCodes(firstRow, rowCount, destination), _scales, FirstBlock(firstRow), destination);

    /// <summary>The 4-bit code index stored for element (row, column).</summary>
    internal int CodeAt(int row, int column)
    {
        long index = (long)row * Columns + column;
        byte packed = _codes[index / 2];
        return (index & 1) == 0 ? packed & 0xF : packed >> 4;
    }

    /// <summary>The reconstructed (double-quantized) scale of the block holding (row, column).</summary>
    internal float ScaleAt(int row, int column) => _scales.Scale(FirstBlock(row) + column / BlockSize);

    private int FirstBlock(int row) => (int)((long)row * Columns / BlockSize);

    private ReadOnlySpan<byte> SlabCodes(int firstRow, int rowCount, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if ((long)firstRow + rowCount > Rows)
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"rows {firstRow}..{firstRow + rowCount} exceed {Rows}");
        long count = (long)rowCount * Columns;
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} floats, {count} needed", nameof(destination));
        return _codes.AsSpan((int)((long)firstRow * Columns / 2), (int)(count / 2));
    }

    // The largest |w| of one block; the first non-finite weight is reported by its matrix position.
    private static float BlockAbsMax(ReadOnlySpan<float> block, long offset, int columns)
    {
        float largest = 0f;
        for (int j = 0; j < block.Length; j++)
        {
            if (!float.IsFinite(block[j]))
            {
                long index = offset + j;
                throw new ArgumentException(
                    $"weight at row {index / columns}, column {index % columns} is {block[j]}; NF4 needs finite weights", "weights");
            }
            largest = MathF.Max(largest, MathF.Abs(block[j]));
        }
        return largest;
    }
}
