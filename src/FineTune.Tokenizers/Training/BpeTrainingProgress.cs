namespace FineTune.Tokenizers.Training;

/// <summary>Where a <see cref="BpeTrainer.Train"/> run is.</summary>
public enum BpeTrainingPhase
{
    /// <summary>Reading the corpus and counting pre-tokens.</summary>
    Counting,
    /// <summary>Merging pairs.</summary>
    Merging,
    /// <summary>Finished; <see cref="BpeTrainingProgress.MergesDone"/> is final.</summary>
    Done,
}

/// <param name="Phase">What the trainer is doing.</param>
/// <param name="TextsRead">Texts read from the corpus so far.</param>
/// <param name="DistinctPreTokens">Distinct pre-tokens counted so far: what memory grows with.</param>
/// <param name="MergesDone">Merges made so far.</param>
/// <param name="MergesTarget">Merges the vocabulary size asks for; fewer are made when pairs run out.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record BpeTrainingProgress(
    BpeTrainingPhase Phase,
    long TextsRead,
    int DistinctPreTokens,
    int MergesDone,
    int MergesTarget,
    TimeSpan Elapsed);
