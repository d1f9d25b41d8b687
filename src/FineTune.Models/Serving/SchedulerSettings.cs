namespace FineTune.Models.Serving;

/// <summary>
/// Limits of an <see cref="IterationScheduler"/>: how many sequences run at once, how many tokens
/// one step may feed the model, the shape of the preallocated KV cache and how long the waiting
/// queue may grow before requests are turned away.
/// </summary>
/// <param name="MaxRunningSequences">Sequences prefilling or decoding at once.</param>
/// <param name="StepTokenBudget">
/// Tokens fed per step: one per decoding sequence, the rest go to prompt chunks. Must be at least
/// <paramref name="MaxRunningSequences"/> so a prefilling sequence always gets a token.
/// </param>
/// <param name="BlockSize">Token positions per cache block.</param>
/// <param name="TotalBlocks">Blocks in the preallocated cache.</param>
/// <param name="MaxWaitingSequences">Queued requests beyond which Submit rejects (HTTP 429).</param>
/// <param name="InitialStepDuration">Step time assumed for Retry-After until real steps are observed.</param>
public sealed record SchedulerSettings(
    int MaxRunningSequences,
    int StepTokenBudget,
    int BlockSize,
    int TotalBlocks,
    int MaxWaitingSequences,
    TimeSpan InitialStepDuration = default)
{
    internal static readonly TimeSpan FallbackStepDuration = TimeSpan.FromMilliseconds(50);

    public TimeSpan StepDurationEstimate => InitialStepDuration > TimeSpan.Zero ? InitialStepDuration : FallbackStepDuration;

    /// <summary>Throws naming the first setting that is out of range.</summary>
    public void Validate()
    {
        RequirePositive(MaxRunningSequences, nameof(MaxRunningSequences));
        RequirePositive(StepTokenBudget, nameof(StepTokenBudget));
        RequirePositive(BlockSize, nameof(BlockSize));
        RequirePositive(TotalBlocks, nameof(TotalBlocks));
        if (MaxWaitingSequences < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxWaitingSequences), MaxWaitingSequences, "MaxWaitingSequences cannot be negative.");
        if (StepTokenBudget < MaxRunningSequences)
            throw new ArgumentException(
                $"StepTokenBudget ({StepTokenBudget}) must be at least MaxRunningSequences ({MaxRunningSequences}): " +
                "otherwise a full batch of decodes leaves no token for a prompt that is being prefilled.");
        if (InitialStepDuration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(InitialStepDuration), InitialStepDuration, "InitialStepDuration cannot be negative.");
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }
}
