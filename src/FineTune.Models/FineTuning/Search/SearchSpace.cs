namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// The values a hyperparameter search may try for the learning rate, the adapter rank and the
/// number of epochs, and how it picks combinations of them. Errors name each setting as a job
/// request spells it (<c>learning_rates</c>, <c>ranks</c>, <c>epochs</c>, <c>max_trials</c>).
/// </summary>
public sealed record SearchSpace
{
    public required IReadOnlyList<double> LearningRates { get; init; }
    /// <summary>Adapter ranks (PEFT's <c>r</c>); ignored, and may be empty, for full fine-tuning and Half Fine-Tuning.</summary>
    public IReadOnlyList<int> Ranks { get; init; } = [];
    public required IReadOnlyList<int> Epochs { get; init; }
    public SearchStrategy Strategy { get; init; } = SearchStrategy.Grid;
    /// <summary>The random strategy's number of trials; it tries every combination when there are fewer.</summary>
    public int MaxTrials { get; init; } = 8;
    /// <summary>The random strategy's draw (each trial trains with the base options' own seed).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The trials in the order a search runs them; throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public IEnumerable<TrialSettings> Trials(FineTuneOptions baseOptions)
    {
        var usesRank = baseOptions.Method.UsesAdapter();
        Validate(usesRank);
        int?[] ranks = usesRank ? [.. Ranks.Select(r => (int?)r)] : [null];
        var grid = (from learningRate in LearningRates
                    from rank in ranks
                    from epochs in Epochs
                    select (learningRate, rank, epochs)).ToList();
        var picked = Strategy == SearchStrategy.Grid ? grid : Draw(grid);
        return picked.Select((c, i) => new TrialSettings(i + 1, c.learningRate, c.rank, c.epochs,
            baseOptions with { LearningRate = c.learningRate, Rank = c.rank ?? baseOptions.Rank, Epochs = c.epochs }));
    }

    /// <summary>A partial Fisher–Yates shuffle: distinct combinations, the same ones for the same seed.</summary>
    private List<T> Draw<T>(List<T> grid)
    {
        var random = new Random(Seed);
        var count = Math.Min(MaxTrials, grid.Count);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, grid.Count);
            (grid[i], grid[j]) = (grid[j], grid[i]);
        }
        return grid.GetRange(0, count);
    }

    private void Validate(bool usesRank)
    {
        Candidates(LearningRates, "learning_rates", lr => lr > 0 && lr <= 1, "in (0, 1]");
        if (usesRank) Candidates(Ranks, "ranks", r => r >= 1, "at least 1");
        Candidates(Epochs, "epochs", e => e >= 1, "at least 1");
        if (!Enum.IsDefined(Strategy)) throw Bad("strategy", $"unknown strategy {Strategy}");
        if (MaxTrials < 1) throw Bad("max_trials", $"must be at least 1, got {MaxTrials}");
    }

    private static void Candidates<T>(IReadOnlyList<T>? values, string setting, Func<T, bool> valid, string rule)
    {
        if (values is null || values.Count == 0) throw Bad(setting, "needs at least one candidate");
        foreach (var value in values)
            if (!valid(value)) throw Bad(setting, $"every candidate must be {rule}, got {value}");
        if (values.Distinct().Count() != values.Count) throw Bad(setting, "lists a candidate twice");
    }

    private static ArgumentException Bad(string setting, string reason) => new($"Setting '{setting}': {reason}.", setting);
}
