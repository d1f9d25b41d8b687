namespace FineTune.Contracts;

/// <summary>Command to a training worker: run this job. Workers compete for it; the job id makes it idempotent.</summary>
public sealed record StartTraining(
    string JobId,
    DatasetRef Dataset,
    string BaseModel,
    FineTuningMethod Method,
    TrainingHyperparameters Hyperparameters,
    string? Suffix,
    int Seed,
    DateTimeOffset RequestedAt);

/// <summary>A training step finished; sent every few steps for progress bars, charts and monitoring.</summary>
public sealed record TrainingProgressed(
    string JobId,
    int Step,
    int TotalSteps,
    double Epoch,
    double TrainLoss,
    double? ValidationLoss,
    double LearningRate,
    double TokensPerSecond,
    DateTimeOffset At);

/// <summary>A job produced a model (full weights or an adapter on <see cref="BaseModel"/>).</summary>
public sealed record TrainingCompleted(
    string JobId,
    DatasetRef Dataset,
    string BaseModel,
    FineTuningMethod Method,
    TrainingHyperparameters Hyperparameters,
    ArtifactRef Model,
    bool IsAdapter,
    string? Suffix,
    int Steps,
    double FinalTrainLoss,
    double? FinalValidationLoss,
    DateTimeOffset CompletedAt);

/// <summary>A job stopped without a model.</summary>
/// <param name="Step">The last step completed before the failure, if any.</param>
public sealed record TrainingFailed(
    string JobId,
    DatasetRef Dataset,
    string Error,
    string Reason,
    int? Step,
    DateTimeOffset FailedAt);
