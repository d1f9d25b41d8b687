using FineTune.Engine.Quantization;

namespace FineTune.Engine.Tests.Quantization;

public class NestedScalesTests
{
    [Fact]
    public void BytesAreOnePerScaleFourPerGroupAndFourForTheMean()
    {
        Assert.Equal(256 + 4 + 4, NestedScales.ByteSizeFor(256));
        Assert.Equal(257 + 2 * 4 + 4, NestedScales.ByteSizeFor(257));
        Assert.Equal(NestedScales.ByteSizeFor(300), NestedScales.Quantize(new float[300]).ByteSize);
    }

    [Fact]
    public void EqualScalesComeBackExactly()
    {
        var scales = Enumerable.Repeat(0.0371f, 600).ToArray();
        NestedScales nested = NestedScales.Quantize(scales);
        for (int b = 0; b < scales.Length; b++)
            Assert.Equal(0.0371f, nested.Scale(b));
    }

    [Fact]
    public void EachScaleIsWithinHalfAGroupStepOfTheOriginal()
    {
        var random = new Random(9);
        var scales = new float[1000];
        for (int i = 0; i < scales.Length; i++)
            scales[i] = 0.02f + 0.08f * (float)random.NextDouble();
        NestedScales nested = NestedScales.Quantize(scales);
        for (int b = 0; b < scales.Length; b++)
        {
            // Half a level, plus float rounding of the subtract/divide/multiply/add chain.
            float bound = nested.StepOf(b) * 0.5f * 1.001f;
            Assert.True(MathF.Abs(nested.Scale(b) - scales[b]) <= bound, $"scale {b}: {nested.Scale(b)} vs {scales[b]}");
        }
        // The step is the group's largest deviation from the mean over 127: at most 0.08/127 here.
        Assert.True(nested.StepOf(0) <= 0.08f / NestedScales.MaxLevel * 1.001f);
    }
}
