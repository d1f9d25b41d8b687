namespace FineTune.Engine.Adapters;

/// <summary>Starting values for adapter weights, reproducible from the generator passed in.</summary>
public static class AdapterInit
{
    /// <summary>
    /// A (r, C) uniform in [−1/√C, 1/√C] and B (OC, r) zero, as PEFT starts LoRA: its
    /// <c>kaiming_uniform_(a=√5)</c> has gain √(2/(1+5)) and bound gain·√(3/fan_in) = 1/√C.
    /// B = 0 makes the adapted layer equal the base layer at step 0, while A ≠ 0 lets B's gradient flow.
    /// </summary>
    public static void InitializeLora(Span<float> a, Span<float> b, int inChannels, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        if (a.Length % inChannels != 0) throw new ArgumentException($"a has {a.Length} elements, not whole rows of {inChannels}.", nameof(a));
        var bound = KaimingBound(inChannels);
        for (var i = 0; i < a.Length; i++) a[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        b.Clear();
    }

    /// <summary>The half-width of A's uniform initialisation for fan-in C.</summary>
    public static double KaimingBound(int inChannels) => 1 / Math.Sqrt(inChannels);
}
