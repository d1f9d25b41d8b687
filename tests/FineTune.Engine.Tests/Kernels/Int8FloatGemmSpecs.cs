using FineTune.Engine.Kernels;
using FineTune.Engine.Quantization;

namespace FineTune.Engine.Tests.Kernels;

/// <summary>The W8A32 kernels keep the pinned arithmetic bit for bit, and a row's result does not depend on the other rows of a call.</summary>
public class Int8FloatGemmSpecs
{
    private static float[] Uniform(int count, float scale, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (random.NextSingle() * 2 - 1) * scale;
        return values;
    }

    private static void AssertSameBits(float[] expected, float[] actual, int rows, string what)
    {
        for (var i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: vector {i / rows}, row {i % rows} is {actual[i]}, expected {expected[i]}");
    }

    // 1, 3: fewer rows than a group (one weight row at a time); 8, 16: whole groups of 4 (two weight
    // rows at a time); 9, 17: a partial group after whole ones; 92: a prefill chunk. 37 weight rows:
    // odd, so the last pair of a tile is one row paired with itself.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(92)]
    public void Every_kernel_equals_the_scalar_reference_exactly_for_a_batch_of(int count)
    {
        const int rows = 37, columns = 256;
        var matrix = Int8Matrix.Quantize(Uniform(rows * columns, 0.05f, count), rows, columns);
        var x = Uniform(count * columns, 1f, 100 + count);
        var expected = new float[count * rows];
        matrix.MultiplyReference(x, count, expected);
        Assert.NotEmpty(Int8FloatGemm.Supported);
        foreach (var kernel in Int8FloatGemm.Supported)
        {
            var actual = new float[count * rows];
            matrix.Multiply(kernel, x, count, actual);
            AssertSameBits(expected, actual, rows, $"{kernel}, batch {count}");
        }
    }

    [Fact]
    public void A_product_large_enough_to_run_on_several_threads_still_equals_the_reference_exactly()
    {
        // 1536 × 576 × 16 multiply-adds is far past PackedGemm.ParallelMultiplyAdds, so rows are split across the pool.
        const int rows = 1536, columns = 576, count = 16;
        var matrix = Int8Matrix.Quantize(Uniform(rows * columns, 0.05f, 7), rows, columns);
        var x = Uniform(count * columns, 3f, 8);
        var expected = new float[count * rows];
        matrix.MultiplyReference(x, count, expected);
        foreach (var kernel in Int8FloatGemm.Supported)
        {
            var actual = new float[count * rows];
            matrix.Multiply(kernel, x, count, actual);
            AssertSameBits(expected, actual, rows, $"{kernel}, {rows}x{columns}, batch {count}");
        }
    }

    [Fact]
    public void A_row_gets_the_same_bits_alone_in_a_decode_batch_and_in_a_prefill_chunk()
    {
        // The row under test sits at a different place among different neighbours in each call.
        const int rows = 301, columns = 576;
        var matrix = Int8Matrix.Quantize(Uniform(rows * columns, 0.05f, 21), rows, columns);
        var row = Uniform(columns, 2f, 22);
        var alone = new float[rows];
        matrix.Multiply(row, 1, alone);
        foreach (var (count, position) in new[] { (3, 2), (16, 5), (17, 16), (92, 47) })
        {
            var x = Uniform(count * columns, 2f, 1000 + count);
            row.CopyTo(x.AsSpan(position * columns));
            var y = new float[count * rows];
            matrix.Multiply(x, count, y);
            AssertSameBits(alone, y.AsSpan(position * rows, rows).ToArray(), rows, $"row {position} of {count}");
        }
    }

    [Fact]
    public void The_product_is_the_dequantized_matrix_times_the_float_activations()
    {
        // Weights only are quantized: against the dequantized matrix in double, only float rounding remains.
        const int rows = 64, columns = 512, count = 5;
        var matrix = Int8Matrix.Quantize(Uniform(rows * columns, 0.05f, 31), rows, columns);
        var dequantized = new float[rows * columns];
        matrix.Dequantize(dequantized);
        var x = Uniform(count * columns, 1f, 32);
        var y = new float[count * rows];
        matrix.Multiply(x, count, y);
        for (var v = 0; v < count; v++)
        for (var r = 0; r < rows; r++)
        {
            double exact = 0, magnitude = 0;
            for (var c = 0; c < columns; c++)
            {
                exact += (double)dequantized[r * columns + c] * x[v * columns + c];
                magnitude += Math.Abs((double)dequantized[r * columns + c] * x[v * columns + c]);
            }
            // float32 summation of 512 terms: well within 2^-24 per addition on the sum of magnitudes.
            Assert.True(Math.Abs(y[v * rows + r] - exact) <= magnitude * 64 * Math.Pow(2, -24),
                $"vector {v}, row {r}: {y[v * rows + r]} against {exact}");
        }
    }
}
