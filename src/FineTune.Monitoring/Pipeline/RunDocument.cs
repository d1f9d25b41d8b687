using FineTune.Contracts;

namespace FineTune.Monitoring.Pipeline;

/// <summary>How a training job ended well: from <see cref="TrainingCompleted"/>.</summary>
public sealed record RunCompletion(int Steps, double TrainLoss, double? ValidationLoss, DateTimeOffset At);

/// <summary>How a training job ended badly: from <see cref="TrainingFailed"/>.</summary>
public sealed record RunFailure(string Error, string Reason, int? Step, DateTimeOffset At);

/// <summary>
/// What monitoring knows of one training job, stored as <c>monitoring/pipeline/runs/{job}.json</c>: facts
/// gathered from its events, each kept once, never a running status. The status and the current numbers
/// are derived from the facts when read, so the order the events arrived in cannot change them.
/// </summary>
public sealed record RunDocument(
    string JobId,
    TrainingCurve Curve,
    string? Dataset = null,
    string? BaseModel = null,
    FineTuningMethod? Method = null,
    int TotalSteps = 0,
    RunCompletion? Completion = null,
    RunFailure? Failure = null,
    ModelRef? Model = null,
    DateTimeOffset UpdatedAt = default)
{
    public static RunDocument New(string jobId) => new(jobId, TrainingCurve.Empty);

    public bool HasEnded => Completion is not null || Failure is not null;

    /// <summary>running, succeeded or failed: an outcome beats progress, the later outcome beats the earlier, and a registered or evaluated model implies success.</summary>
    public string Status(bool evaluated) => (Completion, Failure) switch
    {
        ({ } completed, { } failed) => completed.At >= failed.At ? RunStatus.Succeeded : RunStatus.Failed,
        ({ }, null) => RunStatus.Succeeded,
        (null, { }) => RunStatus.Failed,
        _ => Model is not null || evaluated ? RunStatus.Succeeded : RunStatus.Running,
    };

    public int Step => Completion?.Steps ?? Math.Max(Curve.Last?.Step ?? 0, Failure?.Step ?? 0);

    public double? TrainLoss => Completion?.TrainLoss ?? Curve.Last?.TrainLoss;

    public double? ValidationLoss => Completion?.ValidationLoss ?? Curve.Points.LastOrDefault(p => p.ValidationLoss is not null)?.ValidationLoss;

    /// <summary>The document with the facts every job event may carry, or itself when it knew them all.</summary>
    public RunDocument Knowing(DatasetRef? dataset, string? baseModel, FineTuningMethod? method, DateTimeOffset at) => this with
    {
        Dataset = Dataset ?? (dataset is null ? null : $"{dataset.DatasetId}:{dataset.Version}"),
        BaseModel = BaseModel ?? baseModel,
        Method = Method ?? method,
        UpdatedAt = at > UpdatedAt ? at : UpdatedAt,
    };
}

/// <summary>The statuses a run shows.</summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
