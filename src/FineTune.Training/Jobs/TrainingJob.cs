using FineTune.Contracts;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Search;

namespace FineTune.Training.Jobs;

/// <summary>Why a job failed, in OpenAI's shape: a code, a message a user can act on, and the field to fix.</summary>
public sealed record JobError(string Code, string Message, string? Param);

/// <summary>A worker's claim on a running job; it lapses when the heartbeat stops.</summary>
public sealed record JobLease(string Worker, DateTimeOffset HeartbeatAt);

/// <summary>A checkpoint copied to the artifact store: its step, the folder's key and the metrics at that step.</summary>
public sealed record JobCheckpoint(string Id, int Step, string Prefix, DateTimeOffset CreatedAt, double TrainLoss, double? ValidationLoss);

/// <summary>What a finished job produced.</summary>
public sealed record JobResult(ArtifactRef Weights, bool IsAdapter, IReadOnlyList<ArtifactRef> Files, int Steps, double FinalTrainLoss,
    double? BestValidationLoss, long TrainedTokens, double TrainingSeconds, bool StoppedEarly);

/// <summary>
/// A fine-tuning job as stored at <c>jobs/{id}/job.json</c> and updated only with ETag checks, so
/// every replica of the API and every worker sees one truth, across restarts. Everything a worker
/// needs to run it is here: the resolved options, the dataset version, the base model.
/// </summary>
public sealed record TrainingJob
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required string Model { get; init; }
    public required string TrainingFile { get; init; }
    public string? ValidationFile { get; init; }
    public string? Suffix { get; init; }
    public required DatasetRef Dataset { get; init; }
    public required FineTuneOptions Options { get; init; }
    /// <summary>Set for a hyperparameter search: trials run one after another and the best is kept.</summary>
    public SearchSpace? Search { get; init; }
    public JobStatus Status { get; init; } = JobStatus.ValidatingFiles;
    public bool CancelRequested { get; init; }
    public JobLease? Lease { get; init; }
    public int Step { get; init; }
    public int TotalSteps { get; init; }
    public IReadOnlyList<JobCheckpoint> Checkpoints { get; init; } = [];
    public JobResult? Result { get; init; }
    public SearchSummary? SearchResult { get; init; }
    public JobError? Error { get; init; }

    /// <summary>OpenAI's name for the model a job makes: <c>ft:{base}:{suffix}:{job id}</c>.</summary>
    public string? FineTunedModel => Status == JobStatus.Succeeded ? $"ft:{Model}:{Suffix ?? "finetune"}:{Id}" : null;

    public FineTuningMethod ContractMethod => Options.Method switch
    {
        FineTuneMethod.Full => FineTuningMethod.Full,
        FineTuneMethod.Lora => FineTuningMethod.Lora,
        FineTuneMethod.Qlora => FineTuningMethod.QLora,
        FineTuneMethod.Dora => FineTuningMethod.Dora,
        _ => FineTuningMethod.HalfFineTuning,
    };

    public TrainingHyperparameters Hyperparameters => new(Options.Epochs, Options.BatchSize, Options.LearningRate,
        Options.Decay.ToString().ToLowerInvariant(), (int)Math.Round(Options.WarmupRatio * Math.Max(1, TotalSteps)),
        Options.Method.UsesAdapter() ? Options.Rank : null, Options.Method.UsesAdapter() ? Options.Alpha : null,
        Options.Method.UsesAdapter() ? Options.Dropout : null, Options.Method.UsesAdapter() ? Options.TargetModules : null, Options.EarlyStoppingPatience);
}
