using FineTune.Models.FineTuning.Search;

namespace FineTune.Training.Jobs;

/// <summary>One trial of a search as the job reports it.</summary>
public sealed record TrialSummary(int Number, double LearningRate, int? Rank, int Epochs, TrialStatus Status, long Steps, double? BestValidationLoss, string? Error);

/// <summary>What a hyperparameter search tried and which trial won (its model is the job's).</summary>
public sealed record SearchSummary(IReadOnlyList<TrialSummary> Trials, int? BestTrial)
{
    public static SearchSummary Of(SearchResult result) => new(
        [.. result.Trials.Select(t => new TrialSummary(t.Settings.Number, t.Settings.LearningRate, t.Settings.Rank, t.Settings.Epochs, t.Status, t.Steps, t.BestValidationLoss, t.Error))],
        result.Best?.Settings.Number);
}
