using FineTune.Models.Formats;

namespace FineTune.Models.Tests.Formats;

public sealed class FloatConversionTests
{
    /// <summary>Widening 16-bit floats is exact: fast and reference paths must agree bit for bit (NaNs: both NaN).</summary>
    private const int WideningToleranceUlps = 0;

    private static readonly ushort[] AllPatterns = Enumerable.Range(0, 1 << 16).Select(i => (ushort)i).ToArray();

    [Fact]
    public void Bf16FastPathMatchesReferenceForEveryPattern()
    {
        var fast = new float[AllPatterns.Length];
        var reference = new float[AllPatterns.Length];
        FloatConversion.Bf16ToFloat(AllPatterns, fast);
        FloatConversion.Bf16ToFloatReference(AllPatterns, reference);
        AssertSameFloats(reference, fast);
    }

    [Fact]
    public void F16FastPathMatchesReferenceForEveryPattern()
    {
        var halves = AllPatterns.Select(BitConverter.UInt16BitsToHalf).ToArray();
        var fast = new float[halves.Length];
        var reference = new float[halves.Length];
        FloatConversion.F16ToFloat(halves, fast);
        FloatConversion.F16ToFloatReference(halves, reference);
        AssertSameFloats(reference, fast);
    }

    [Theory]
    [InlineData(7)]  // shorter than one vector: only the scalar tail runs
    [InlineData(33)] // two vectors and a tail
    public void Bf16FastPathHandlesLengthsThatAreNotMultiplesOfTheVector(int length)
    {
        var source = AllPatterns.AsSpan(0x3F80, length).ToArray();
        var fast = new float[length];
        var reference = new float[length];
        FloatConversion.Bf16ToFloat(source, fast);
        FloatConversion.Bf16ToFloatReference(source, reference);
        AssertSameFloats(reference, fast);
    }

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1.0
    [InlineData(0xC0200000u, 0xC020)] // -2.5
    [InlineData(0x3F808000u, 0x3F80)] // 1 + 2^-8: exactly halfway, ties to the even 1.0
    [InlineData(0x3F818000u, 0x3F82)] // 1 + 3·2^-8: exactly halfway, ties to the even 1 + 2^-6
    [InlineData(0x3F808001u, 0x3F81)] // one ulp above halfway rounds up
    [InlineData(0x3F817FFFu, 0x3F81)] // one ulp below halfway rounds down
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue rounds past the largest bfloat16 to infinity
    [InlineData(0xFF800000u, 0xFF80)] // -infinity
    [InlineData(0x80000000u, 0x8000)] // -0
    public void FloatToBf16RoundsToNearestEven(uint floatBits, int expectedBits) =>
        Assert.Equal((ushort)expectedBits, FloatConversion.FloatToBf16(BitConverter.UInt32BitsToSingle(floatBits)));

    [Fact]
    public void FloatToBf16KeepsNaNsNaN()
    {
        var signallingNaN = BitConverter.UInt32BitsToSingle(0x7F800001); // low bits only: truncation would give infinity
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)FloatConversion.FloatToBf16(signallingNaN) << 16)));
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)FloatConversion.FloatToBf16(float.NaN) << 16)));
    }

    private static void AssertSameFloats(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]), $"pattern {i:X4}: expected NaN, got {actual[i]}");
                continue;
            }
            var ulps = Math.Abs((long)BitConverter.SingleToInt32Bits(expected[i]) - BitConverter.SingleToInt32Bits(actual[i]));
            Assert.True(ulps <= WideningToleranceUlps, $"pattern {i:X4}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
