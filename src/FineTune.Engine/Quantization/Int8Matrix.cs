using System.Runtime.CompilerServices;
using FineTune.Engine.Kernels;

namespace FineTune.Engine.Quantization;

/// <summary>
/// A frozen (out, in) weight matrix in the <see cref="Int8Block"/> format, for serving a model with
/// 8-bit base weights: <c>y = W·x</c> for one activation vector (decode), a batched decode step or a
/// prefill chunk dequantizes each block in registers and multiplies it into float32 activations
/// (<see cref="Int8FloatGemm"/>), reading 34 bytes per 32 weights instead of 128. A vector's result
/// is the same bits whatever other vectors share the call. Rows are stored one after another, each
/// as Columns/32 blocks, so a row is one contiguous stretch of memory.
/// </summary>
public sealed unsafe class Int8Matrix
{
    private readonly byte[] _blocks; // pinned, so the kernels hold a pointer across worker threads

    private Int8Matrix(int rows, int columns, byte[] blocks)
    {
        Rows = rows;
        Columns = columns;
        _blocks = blocks;
    }

    /// <summary>Output features.</summary>
    public int Rows { get; }

    /// <summary>Input features, a multiple of <see cref="Int8Block.Size"/>.</summary>
    public int Columns { get; }

    /// <summary>Every byte the matrix keeps: codes and scales.</summary>
    public long ByteSize => _blocks.Length;

    public double BytesPerWeight => (double)ByteSize / ((long)Rows * Columns);

    private int BlocksPerRow => Columns / Int8Block.Size;

    /// <summary>Exact bytes for a shape, without quantizing anything.</summary>
    public static long ByteSizeFor(int rows, int columns) => (long)rows * columns / Int8Block.Size * Int8Block.ByteSize;

    /// <param name="weights">Row-major (rows, columns), all finite.</param>
    /// <exception cref="ArgumentException">Shape mismatch, columns not a multiple of 32, or a weight that is not finite or too large for a float16 scale (named by row and column).</exception>
    public static Int8Matrix Quantize(ReadOnlySpan<float> weights, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (columns % Int8Block.Size != 0)
            throw new ArgumentException(
                $"columns ({columns}) must be a multiple of the int8 block size {Int8Block.Size}, so that no block straddles two rows", nameof(columns));
        var bytes = ByteSizeFor(rows, columns);
        if (bytes > Array.MaxLength)
            throw new ArgumentException($"{rows}x{columns} exceeds one .NET array of int8 blocks", nameof(rows));
        if (weights.Length != (long)rows * columns)
            throw new ArgumentException($"expected {rows}x{columns} = {(long)rows * columns} weights, got {weights.Length}", nameof(weights));

        var blocks = GC.AllocateUninitializedArray<byte>((int)bytes, pinned: true);
        for (var b = 0; b < blocks.Length / Int8Block.ByteSize; b++)
            QuantizeBlock(weights.Slice(b * Int8Block.Size, Int8Block.Size), (long)b * Int8Block.Size, columns,
                blocks.AsSpan(b * Int8Block.ByteSize, Int8Block.ByteSize));
        return new Int8Matrix(rows, columns, blocks);
    }

    /// <summary>The whole matrix, row-major, into the first Rows*Columns floats of <paramref name="destination"/>.</summary>
    public void Dequantize(Span<float> destination)
    {
        var count = (long)Rows * Columns;
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} floats, {count} needed", nameof(destination));
        for (var b = 0; b < _blocks.Length / Int8Block.ByteSize; b++)
        {
            var scale = ScaleOfBlock(b);
            var codes = CodesOfBlock(b);
            for (var i = 0; i < Int8Block.Size; i++) destination[b * Int8Block.Size + i] = codes[i] * scale;
        }
    }

    /// <summary><c>y = W·x</c> for one vector: x holds Columns values, y receives Rows.</summary>
    public void Multiply(ReadOnlySpan<float> x, Span<float> y) => Multiply(x, 1, y);

    /// <summary>
    /// <c>y = W·x</c> for <paramref name="count"/> vectors (batched decode): x holds count × Columns
    /// values and y receives count × Rows, vector after vector. Each vector's result equals the
    /// single-vector product exactly, whatever the count and the other vectors.
    /// </summary>
    public void Multiply(ReadOnlySpan<float> x, int count, Span<float> y) => Multiply(Int8FloatGemm.Best, x, count, y);

    internal void Multiply(Int8FloatKernel kernel, ReadOnlySpan<float> x, int count, Span<float> y) => Run(x, count, y, kernel);

    /// <summary>The scalar reference for <see cref="Multiply(ReadOnlySpan{float}, int, Span{float})"/>; the tests hold every kernel to it.</summary>
    internal void MultiplyReference(ReadOnlySpan<float> x, int count, Span<float> y) => Run(x, count, y, kernel: null);

    /// <summary>The stored code of element (row, column).</summary>
    internal sbyte CodeAt(int row, int column) => CodesOfBlock(BlockOf(row, column))[column % Int8Block.Size];

    /// <summary>The stored scale of the block holding (row, column).</summary>
    internal float ScaleAt(int row, int column) => ScaleOfBlock(BlockOf(row, column));

    /// <param name="kernel">null for <see cref="Int8FloatGemm.Reference"/>.</param>
    private void Run(ReadOnlySpan<float> x, int count, Span<float> y, Int8FloatKernel? kernel)
    {
        Check(x, count, y);
        fixed (float* xp = x)
        fixed (float* yp = y)
        {
            var weights = (byte*)Unsafe.AsPointer(ref _blocks[0]);
            if (kernel is { } chosen) Int8FloatGemm.Multiply(chosen, weights, Rows, BlocksPerRow, xp, count, yp);
            else Int8FloatGemm.Reference(weights, Rows, BlocksPerRow, xp, count, yp);
        }
    }

    private void Check(ReadOnlySpan<float> x, int count, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (x.Length != (long)count * Columns)
            throw new ArgumentException($"x holds {x.Length} values; {count} vectors of {Columns} inputs need {(long)count * Columns}", nameof(x));
        if (y.Length < (long)count * Rows)
            throw new ArgumentException($"y holds {y.Length} values; {count} vectors of {Rows} outputs need {(long)count * Rows}", nameof(y));
    }

    private int BlockOf(int row, int column) => (int)(((long)row * Columns + column) / Int8Block.Size);

    private float ScaleOfBlock(int block) => (float)Unsafe.ReadUnaligned<Half>(ref _blocks[block * Int8Block.ByteSize]);

    private ReadOnlySpan<sbyte> CodesOfBlock(int block) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(
            _blocks.AsSpan(block * Int8Block.ByteSize + Int8Block.ScaleBytes, Int8Block.Size));

    private static void QuantizeBlock(ReadOnlySpan<float> block, long offset, int columns, Span<byte> destination)
    {
        var absMax = 0f;
        for (var i = 0; i < block.Length; i++)
        {
            if (!float.IsFinite(block[i]))
                throw new ArgumentException(
                    $"weight at row {(offset + i) / columns}, column {(offset + i) % columns} is {block[i]}; int8 needs finite weights", "weights");
            absMax = MathF.Max(absMax, MathF.Abs(block[i]));
        }
        var scale = Int8Block.ScaleFor(absMax);
        if (Half.IsInfinity(scale))
            throw new ArgumentException(
                $"a weight in row {offset / columns}, columns {offset % columns}..{offset % columns + Int8Block.Size - 1} has magnitude {absMax}, " +
                $"beyond what a float16 block scale can express ({(float)Half.MaxValue * Int8Block.MaxCode})", "weights");
        Unsafe.WriteUnaligned(ref destination[0], scale);
        var inverse = absMax == 0 ? 0 : 1 / (float)scale;
        for (var i = 0; i < Int8Block.Size; i++)
            destination[Int8Block.ScaleBytes + i] = (byte)Int8Block.Code(block[i] * inverse);
    }
}
