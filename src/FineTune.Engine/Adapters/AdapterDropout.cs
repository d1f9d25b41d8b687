namespace FineTune.Engine.Adapters;

/// <summary>
/// Inverted dropout on the adapter's input only, as PEFT applies <c>lora_dropout</c>: the frozen
/// path always sees the whole input. Kept values are scaled by 1/(1−p) so the expected input is unchanged.
/// </summary>
public static class AdapterDropout
{
    /// <summary>Fills <paramref name="mask"/> with 0 (dropped, probability p) or 1/(1−p), drawn in order from <paramref name="random"/>.</summary>
    public static void DrawMask(Span<float> mask, float probability, Random random)
    {
        if (!(probability >= 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must be in [0, 1).");
        var kept = 1 / (1 - probability);
        for (var i = 0; i < mask.Length; i++) mask[i] = random.NextDouble() < probability ? 0f : kept;
    }
}
