namespace FineTune.Models.FineTuning;

/// <summary>One optimizer step's numbers, for progress bars, job events and meters.</summary>
public sealed record FineTuneProgress(
    long Step, long TotalSteps, double Epoch, float Loss, float? ValidationLoss, double LearningRate,
    double TokensPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>The training loss at a step, and the validation loss where one was measured.</summary>
public sealed record FineTuneRecord(long Step, double Epoch, float Loss, float? ValidationLoss, double LearningRate);

/// <summary>Where a fine-tuning run stands: written with each checkpoint as <c>trainer_state.json</c>.</summary>
public sealed record FineTuneState
{
    public required long Step { get; init; }
    public required long TokensSeen { get; init; }
    public required double TrainingSeconds { get; init; }
    /// <summary>The run's settings as JSON: a resume with other settings is refused.</summary>
    public required string Settings { get; init; }
    public float? BestValidationLoss { get; init; }
    public long BestStep { get; init; }
    public int EvaluationsWithoutImprovement { get; init; }
    public bool StoppedEarly { get; init; }
    /// <summary>Half Fine-Tuning: the round whose optimizer state the checkpoint holds.</summary>
    public int OptimizerRound { get; init; }
    public List<FineTuneRecord> History { get; init; } = [];
}
