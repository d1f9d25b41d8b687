namespace FineTune.Models.FineTuning.Search;

/// <summary>Every trial of a hyperparameter search in the order they ran, and the one that won.</summary>
public sealed record SearchResult(IReadOnlyList<TrialResult> Trials)
{
    /// <summary>The completed trial with the lowest best validation loss (the earlier on a tie); null when none completed.</summary>
    public TrialResult? Best { get; } = Trials
        .Where(t => t is { Status: TrialStatus.Completed, BestValidationLoss: not null })
        .MinBy(t => t.BestValidationLoss);
}
