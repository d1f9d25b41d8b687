using FineTune.Engine.Adapters;

namespace FineTune.Engine.Tests.Adapters;

public class AdapterDropoutTests
{
    [Fact]
    public void Mask_drops_about_p_and_scales_the_rest_by_one_over_keep()
    {
        const float p = 0.25f;
        var mask = new float[20_000];
        AdapterDropout.DrawMask(mask, p, new Random(3));
        Assert.All(mask, value => Assert.True(value == 0f || value == 1 / (1 - p), $"mask value {value}"));
        // Binomial spread of the dropped fraction is √(p(1−p)/n) ≈ 0.003; 0.015 is five of those.
        var dropped = mask.Count(value => value == 0) / (double)mask.Length;
        Assert.InRange(dropped, p - 0.015, p + 0.015);
    }

    [Fact]
    public void Mask_is_reproducible_from_the_seed()
    {
        float[] first = new float[100], second = new float[100];
        AdapterDropout.DrawMask(first, 0.5f, new Random(9));
        AdapterDropout.DrawMask(second, 0.5f, new Random(9));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Zero_probability_keeps_everything_and_one_is_rejected()
    {
        var mask = new float[50];
        AdapterDropout.DrawMask(mask, 0f, new Random(1));
        Assert.All(mask, value => Assert.Equal(1f, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdapterDropout.DrawMask(mask, 1f, new Random(1)));
    }
}
