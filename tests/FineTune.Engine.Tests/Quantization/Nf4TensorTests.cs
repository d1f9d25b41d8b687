using FineTune.Engine.Quantization;

namespace FineTune.Engine.Tests.Quantization;

public class Nf4TensorTests
{
    // Measured relative RMS error of NF4 (64-weight blocks, double-quantized scales) on normal(0, 0.02)
    // weights: 0.0919-0.0920 over three seeds and shapes up to 4096x4096 (fp32 scales alone: 0.0919,
    // so the int8 nested scales add ~1e-5). 0.10 leaves ~9% headroom for seeds, not for a broken coder.
    private const double RelativeRmsErrorBudget = 0.10;

    // QLoRA reports ~4.127 bits (0.516 bytes) per parameter with double quantization; this layout
    // measures 0.51587 at 576x1536 (4 + 8/64 + 32/16384 bits, plus the 4-byte mean).
    private const double BytesPerWeightBudget = 0.55;

    private static float[] Normal(int count, double sigma, int seed)
    {
        var random = new Random(seed);
        var weights = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            weights[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return weights;
    }

    [Fact]
    public void ByteSizesArePinned()
    {
        // One row of one block: 32 bytes of codes + 1 scale byte + 4 group step + 4 mean.
        Assert.Equal(32 + 1 + 4 + 4, Nf4Tensor.ByteSizeFor(1, 64));
        // 256 blocks = one full group: 256*32 codes + 256 scale bytes + 4 + 4.
        Assert.Equal(256 * 32 + 256 + 4 + 4, Nf4Tensor.ByteSizeFor(4, 64 * 64));
        // 257 blocks spill into a second group step.
        Assert.Equal(257 * 32 + 257 + 2 * 4 + 4, Nf4Tensor.ByteSizeFor(257, 64));
        var tensor = Nf4Tensor.Quantize(new float[4 * 4096], 4, 4096);
        Assert.Equal(Nf4Tensor.ByteSizeFor(4, 4096), tensor.ByteSize);
    }

    [Fact]
    public void RealisticShapeStaysUnderBudgetBytesPerWeight()
    {
        const int rows = 576, columns = 1536;
        var tensor = Nf4Tensor.Quantize(new float[rows * columns], rows, columns);
        Assert.Equal((rows * columns) / 2 + rows * columns / 64 + 4 * 54 + 4, tensor.ByteSize);
        Assert.True(tensor.BytesPerWeight <= BytesPerWeightBudget, $"{tensor.BytesPerWeight} bytes per weight");
    }

    [Fact]
    public void NormalWeightsRoundTripWithinTheErrorBudget()
    {
        const int rows = 576, columns = 1536;
        float[] weights = Normal(rows * columns, 0.02, 1);
        var tensor = Nf4Tensor.Quantize(weights, rows, columns);
        var restored = new float[weights.Length];
        tensor.Dequantize(restored);
        double error = 0, signal = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            error += (restored[i] - weights[i]) * (double)(restored[i] - weights[i]);
            signal += weights[i] * (double)weights[i];
        }
        double relative = Math.Sqrt(error / signal);
        Assert.True(relative <= RelativeRmsErrorBudget, $"relative RMS error {relative}");
        Assert.True(relative > 0.01, $"relative RMS error {relative} is implausibly small for 4 bits");
    }

    [Fact]
    public void FastDequantizerMatchesTheReferenceExactly()
    {
        const int rows = 40, columns = 320;
        var tensor = Nf4Tensor.Quantize(Normal(rows * columns, 0.02, 2), rows, columns);
        var fast = new float[rows * columns];
        var reference = new float[rows * columns];
        tensor.Dequantize(fast);
        tensor.DequantizeRowsReference(0, rows, reference);
        Assert.Equal(reference, fast);
    }

    [Fact]
    public void RowSlabsMatchTheWholeMatrix()
    {
        const int rows = 9, columns = 128;
        var tensor = Nf4Tensor.Quantize(Normal(rows * columns, 0.02, 3), rows, columns);
        var whole = new float[rows * columns];
        tensor.Dequantize(whole);
        var slab = new float[3 * columns];
        tensor.DequantizeRows(4, 3, slab);
        Assert.Equal(whole.AsSpan(4 * columns, 3 * columns).ToArray(), slab);
    }

    [Fact]
    public void CodeTimesScaleWeightsComeBackExactlyWhenAllBlocksShareTheirAbsMax()
    {
        // Every block holds each code value times the same absmax, so the nested scale is exact.
        const float absmax = 0.0625f;
        const int rows = 3, columns = 128;
        var weights = new float[rows * columns];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = Nf4CodeBook.Values[(i * 7 + i / 64) % 16] * absmax;
        var tensor = Nf4Tensor.Quantize(weights, rows, columns);
        var restored = new float[weights.Length];
        tensor.Dequantize(restored);
        Assert.Equal(weights, restored);
    }

    [Fact]
    public void CodeTimesScaleWeightsKeepTheirCodesWhenAbsMaxesDiffer()
    {
        const int rows = 6, columns = 192;
        var random = new Random(4);
        var weights = new float[rows * columns];
        var expectedCodes = new int[weights.Length];
        for (int block = 0; block < weights.Length / 64; block++)
        {
            float absmax = 0.01f + 0.05f * (float)random.NextDouble();
            for (int j = 0; j < 64; j++)
            {
                int code = j < 16 ? j : random.Next(16); // every block contains ±1, so its absmax is exact
                expectedCodes[block * 64 + j] = code;
                weights[block * 64 + j] = Nf4CodeBook.Values[code] * absmax;
            }
        }
        var tensor = Nf4Tensor.Quantize(weights, rows, columns);
        var restored = new float[weights.Length];
        tensor.Dequantize(restored);
        for (int i = 0; i < weights.Length; i++)
        {
            int row = i / columns, column = i % columns;
            Assert.Equal(expectedCodes[i], tensor.CodeAt(row, column));
            // Exact modulo the scale: only the double-quantized scale differs from the original.
            Assert.Equal(Nf4CodeBook.Values[expectedCodes[i]] * tensor.ScaleAt(row, column), restored[i]);
        }
    }

    [Fact]
    public void EachBlocksLargestMagnitudeGetsAnEndCode()
    {
        const int rows = 4, columns = 256;
        float[] weights = Normal(rows * columns, 0.02, 6);
        var tensor = Nf4Tensor.Quantize(weights, rows, columns);
        for (int block = 0; block < weights.Length / 64; block++)
        {
            int largest = block * 64;
            for (int i = block * 64; i < block * 64 + 64; i++)
                if (MathF.Abs(weights[i]) > MathF.Abs(weights[largest]))
                    largest = i;
            int expected = weights[largest] > 0 ? 15 : 0;
            Assert.Equal(expected, tensor.CodeAt(largest / columns, largest % columns));
        }
    }

    [Fact]
    public void ZeroBlockDequantizesToZeros()
    {
        float[] weights = Normal(2 * 128, 0.02, 7);
        Array.Clear(weights, 64, 64); // second block of row 0
        var tensor = Nf4Tensor.Quantize(weights, 2, 128);
        var restored = new float[weights.Length];
        tensor.Dequantize(restored);
        for (int i = 64; i < 128; i++)
        {
            Assert.Equal(Nf4CodeBook.ZeroCode, tensor.CodeAt(0, i));
            Assert.Equal(0f, restored[i]);
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteWeightIsNamedByRowAndColumn(float bad)
    {
        var weights = new float[3 * 128];
        weights[2 * 128 + 77] = bad;
        var error = Assert.Throws<ArgumentException>(() => Nf4Tensor.Quantize(weights, 3, 128));
        Assert.Contains("row 2, column 77", error.Message);
    }

    [Fact]
    public void ColumnsMustBeWholeBlocks() =>
        Assert.Throws<ArgumentException>(() => Nf4Tensor.Quantize(new float[2 * 96], 2, 96));

    [Fact]
    public void AnEmptySlabWritesNothing()
    {
        var tensor = Nf4Tensor.Quantize(Normal(2 * 64, 0.02, 8), 2, 64);
        var untouched = new float[] { 42f };
        tensor.DequantizeRows(2, 0, untouched);
        Assert.Equal(42f, untouched[0]);
    }

    [Fact]
    public void SlabPastTheLastRowIsRejected()
    {
        var tensor = Nf4Tensor.Quantize(new float[2 * 64], 2, 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => tensor.DequantizeRows(1, 2, new float[128]));
    }
}
