namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// What one trial of a search did: how it ended, how far it trained, its validation losses and
/// where its run folder (with its last checkpoint) is — for the report and for picking the best.
/// </summary>
public sealed record TrialResult
{
    public required TrialSettings Settings { get; init; }
    public required TrialStatus Status { get; init; }
    public required string RunFolder { get; init; }
    /// <summary>Optimizer steps the trial finished.</summary>
    public required long Steps { get; init; }
    /// <summary>Every finished step's training loss, and the validation loss where one was measured.</summary>
    public required IReadOnlyList<FineTuneRecord> History { get; init; }
    /// <summary>The lowest finite validation loss measured, and the step it was measured at (null: none measured).</summary>
    public float? BestValidationLoss { get; init; }
    public long? BestStep { get; init; }
    public float? FinalTrainingLoss => History.Count > 0 ? History[^1].Loss : null;
    /// <summary>Why a failed trial failed.</summary>
    public string? Error { get; init; }
    /// <summary>The trainer's result for a completed trial (its adapter or head); null otherwise.</summary>
    public FineTuneResult? Run { get; init; }
}
