using FineTune.Engine.Adapters;

namespace FineTune.Engine.Tests.Adapters;

public class AdapterInitTests
{
    [Fact]
    public void Lora_A_is_uniform_within_one_over_root_fan_in_and_B_is_zero()
    {
        const int inChannels = 64, rank = 8, outChannels = 16;
        var a = new float[rank * inChannels];
        var b = new float[outChannels * rank];
        Array.Fill(b, 1f);
        AdapterInit.InitializeLora(a, b, inChannels, new Random(1));
        Assert.Equal(0.125, AdapterInit.KaimingBound(inChannels)); // 1/√64, PEFT's kaiming_uniform_(a=√5)
        Assert.All(a, value => Assert.InRange(value, -0.125f, 0.125f));
        // 512 uniform draws reach within 5% of both ends; a narrower or one-sided range would not.
        Assert.True(a.Max() > 0.95f * 0.125f && a.Min() < -0.95f * 0.125f, $"range [{a.Min()}, {a.Max()}]");
        Assert.All(b, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Same_seed_same_A()
    {
        float[] first = new float[40], second = new float[40];
        AdapterInit.InitializeLora(first, [], 10, new Random(7));
        AdapterInit.InitializeLora(second, [], 10, new Random(7));
        Assert.Equal(first, second);
    }
}
