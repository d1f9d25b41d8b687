using FineTune.Engine.Optim;

namespace FineTune.Engine.Tests.Optim;

public class GradientClippingTests
{
    [Fact]
    public void Scales_down_to_the_max_norm_and_returns_the_norm_before()
    {
        float[] gradients = [3f, 4f];
        var norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f);
        Assert.Equal(5f, norm);
        var scale = 1 / (5 + 1e-6);
        Assert.Equal(3 * scale, gradients[0], 1e-7);
        Assert.Equal(4 * scale, gradients[1], 1e-7);
    }

    [Fact]
    public void Leaves_gradients_under_the_max_norm_alone()
    {
        float[] gradients = [3f, 4f];
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 10f));
        Assert.Equal([3f, 4f], gradients);
    }

    [Fact]
    public void Counts_and_scales_only_the_listed_slices()
    {
        float[] gradients = [100f, 1f, 2f, 100f, 2f, 100f];
        ParameterSlice[] slices = [new(1, 2, true), new(4, 1, false)];
        var norm = GradientClipping.ClipByGlobalNorm(gradients, slices, maxNorm: 1.5f);
        Assert.Equal(3f, norm); // √(1 + 4 + 4)
        var scale = 1.5 / (3 + 1e-6);
        Assert.Equal(1 * scale, gradients[1], 1e-7);
        Assert.Equal(2 * scale, gradients[2], 1e-7);
        Assert.Equal(2 * scale, gradients[4], 1e-7);
        Assert.Equal([100f, 100f, 100f], [gradients[0], gradients[3], gradients[5]]);
    }

    [Fact]
    public void A_non_finite_norm_is_reported_and_nothing_is_scaled()
    {
        float[] gradients = [float.NaN, 4f];
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f)));
        Assert.Equal(4f, gradients[1]);
    }
}
