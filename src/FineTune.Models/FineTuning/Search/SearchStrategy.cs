namespace FineTune.Models.FineTuning.Search;

/// <summary>How a <see cref="SearchSpace"/> picks the combinations a search tries.</summary>
public enum SearchStrategy
{
    /// <summary>Every combination, learning rate varying slowest, then rank, then epochs.</summary>
    Grid,
    /// <summary>Up to <see cref="SearchSpace.MaxTrials"/> distinct combinations drawn from the seed.</summary>
    Random,
}
