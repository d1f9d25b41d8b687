namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// One combination a search tries: its 1-based number in the search, the values drawn from the
/// space, and the complete options the trial trains with (the base options with those values).
/// </summary>
/// <param name="Rank">The adapter rank; null for methods without an adapter, whose trials ignore the ranks.</param>
public sealed record TrialSettings(int Number, double LearningRate, int? Rank, int Epochs, FineTuneOptions Options)
{
    public override string ToString() =>
        $"trial {Number}: learning_rate {LearningRate}{(Rank is { } r ? $", r {r}" : "")}, n_epochs {Epochs}";
}
