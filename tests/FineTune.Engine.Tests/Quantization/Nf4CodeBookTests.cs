using FineTune.Engine.Quantization;

namespace FineTune.Engine.Tests.Quantization;

public class Nf4CodeBookTests
{
    [Fact]
    public void HasSixteenAscendingValuesFromMinusOneToOneWithAnExactZero()
    {
        ReadOnlySpan<float> values = Nf4CodeBook.Values;
        Assert.Equal(16, values.Length);
        Assert.Equal(-1f, values[0]);
        Assert.Equal(1f, values[15]);
        Assert.Equal(0f, values[Nf4CodeBook.ZeroCode]);
        for (int i = 1; i < values.Length; i++)
            Assert.True(values[i] > values[i - 1], $"value {i} not above value {i - 1}");
    }

    [Fact]
    public void NearestCodeIsTheArgMinOfTheDistance()
    {
        var random = new Random(5);
        ReadOnlySpan<float> values = Nf4CodeBook.Values;
        for (int trial = 0; trial < 10_000; trial++)
        {
            float x = (float)(random.NextDouble() * 2.2 - 1.1);
            int best = 0;
            for (int i = 1; i < values.Length; i++)
                if (MathF.Abs(x - values[i]) < MathF.Abs(x - values[best]))
                    best = i;
            Assert.Equal(best, Nf4CodeBook.NearestCode(x));
        }
    }

    [Fact]
    public void EveryValueMapsToItself()
    {
        for (int i = 0; i < Nf4CodeBook.CodeCount; i++)
            Assert.Equal(i, Nf4CodeBook.NearestCode(Nf4CodeBook.Values[i]));
    }

    [Fact]
    public void AnExactMidpointTakesTheUpperCode()
    {
        for (int i = 0; i + 1 < Nf4CodeBook.CodeCount; i++)
        {
            float midpoint = (Nf4CodeBook.Values[i] + Nf4CodeBook.Values[i + 1]) * 0.5f;
            Assert.Equal(i + 1, Nf4CodeBook.NearestCode(midpoint));
            Assert.Equal(i, Nf4CodeBook.NearestCode(MathF.BitDecrement(midpoint)));
        }
    }
}
