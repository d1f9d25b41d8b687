namespace FineTune.Models.Training;

/// <summary>Settings of a (continued) pre-training run; names say the unit.</summary>
public sealed record PretrainOptions
{
    public int BatchSize { get; init; } = 8;
    public int SequenceLength { get; init; } = 128;
    /// <summary>Micro-batches whose gradients add up to one optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;
    public int Steps { get; init; } = 1000;
    public double PeakLearningRate { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 50;
    public double MinLearningRateRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    public float MaxGradientNorm { get; init; } = 1f;
    public int EvaluateEvery { get; init; } = 100;
    /// <summary>Validation windows per evaluation (rounded up to whole batches).</summary>
    public int EvaluationWindows { get; init; } = 64;
    public int CheckpointEvery { get; init; } = 100;
    public ulong Seed { get; init; } = 1;

    public int TokensPerStep => BatchSize * SequenceLength * GradientAccumulation;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Positive(BatchSize, "batch size");
        Positive(SequenceLength, "sequence length");
        Positive(GradientAccumulation, "gradient accumulation");
        Positive(Steps, "steps");
        Positive(EvaluateEvery, "evaluate every");
        Positive(EvaluationWindows, "evaluation windows");
        Positive(CheckpointEvery, "checkpoint every");
        if (PeakLearningRate <= 0) throw new ArgumentException($"learning rate must be positive, got {PeakLearningRate}.", nameof(PeakLearningRate));
        if (WarmupSteps < 0 || WarmupSteps >= Steps) throw new ArgumentException($"warm-up steps must be in [0, steps), got {WarmupSteps}.", nameof(WarmupSteps));
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name} must be at least 1, got {value}.", name);
    }
}

/// <summary>One step's numbers, for progress bars and logs.</summary>
public sealed record PretrainProgress(
    long Step, long TotalSteps, float Loss, double LearningRate, long TokensSeen, double TokensPerSecond,
    TimeSpan Elapsed, TimeSpan Remaining, float? ValidationLoss)
{
    public double? ValidationPerplexity => ValidationLoss is { } loss ? Math.Exp(loss) : null;
}

/// <summary>How a run ended.</summary>
public sealed record PretrainResult(long Steps, long TokensSeen, float ValidationLoss, TimeSpan TrainingTime, bool Resumed)
{
    public double ValidationPerplexity => Math.Exp(ValidationLoss);
}
