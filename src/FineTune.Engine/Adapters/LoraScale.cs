namespace FineTune.Engine.Adapters;

/// <summary>The factor s that multiplies the adapter's product B·A.</summary>
public static class LoraScale
{
    /// <summary>
    /// alpha / r (Hu et al.), or alpha / √r with rsLoRA (Kalajdzievski), which keeps the update's
    /// size from shrinking as the rank grows.
    /// </summary>
    public static float Of(float alpha, int rank, bool rankStabilized = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        return rankStabilized ? alpha / MathF.Sqrt(rank) : alpha / rank;
    }
}
