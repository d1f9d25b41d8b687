using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Search;
using FineTune.Models.Llama;
using FineTune.Models.Tests.Training;
using FineTune.Testing;
using static FineTune.Models.Tests.FineTuning.FineTuningData;

namespace FineTune.Models.Tests.FineTuning;

public sealed class HyperparameterSearchSpecs
{
    // 24 examples in batches of 4: 6 steps an epoch, evaluated every 2
    private static readonly FineTuneOptions Base = new()
    {
        Rank = 4, Alpha = 8, Dropout = 0, BatchSize = 4, LearningRate = 1e-2, WarmupRatio = 0.1, EvaluateEvery = 2, CheckpointEvery = 100, Seed = 5,
    };

    private static readonly ExampleSet Train = ExampleSet.Prepare("train", Instructions(24, seed: 1), Base, Config);
    private static readonly ExampleSet Validation = ExampleSet.Prepare("validation", Instructions(8, seed: 2), Base, Config);

    private static readonly SearchSpace Space = new() { LearningRates = [1e-2, 3e-3, 1e-3], Ranks = [4, 8], Epochs = [1] };

    [Fact]
    public void A_grid_tries_every_combination_learning_rate_slowest_then_rank_then_epochs()
    {
        var trials = Space.Trials(Base).ToList();

        Assert.Equal([1, 2, 3, 4, 5, 6], trials.Select(t => t.Number));
        Assert.Equal([(1e-2, 4), (1e-2, 8), (3e-3, 4), (3e-3, 8), (1e-3, 4), (1e-3, 8)], trials.Select(t => (t.LearningRate, t.Rank!.Value)));
        Assert.All(trials, t => Assert.Equal((t.LearningRate, t.Rank!.Value, t.Epochs), (t.Options.LearningRate, t.Options.Rank, t.Options.Epochs)));
        Assert.All(trials, t => Assert.Equal(Base with { LearningRate = t.LearningRate, Rank = t.Rank!.Value, Epochs = 1 }, t.Options));
    }

    [Fact]
    public void Ranks_are_ignored_by_methods_without_an_adapter()
    {
        var trials = Space.Trials(Base with { Method = FineTuneMethod.Full }).ToList();

        Assert.Equal([1e-2, 3e-3, 1e-3], trials.Select(t => t.LearningRate));
        Assert.All(trials, t => Assert.Null(t.Rank));
        Assert.Equal(3, (Space with { Ranks = [] }).Trials(Base with { Method = FineTuneMethod.HalfFineTuning }).Count());
    }

    [Fact]
    public void A_random_search_draws_max_trials_distinct_combinations_the_same_for_a_seed()
    {
        var random = Space with { Ranks = [4, 8, 16], Epochs = [1, 2], Strategy = SearchStrategy.Random, MaxTrials = 3, Seed = 11 };
        var grid = (random with { Strategy = SearchStrategy.Grid }).Trials(Base).Select(Combination).ToList();

        var drawn = random.Trials(Base).ToList();
        var again = random.Trials(Base).Select(Combination);

        Assert.Equal([1, 2, 3], drawn.Select(t => t.Number));
        Assert.Equal(3, drawn.Select(Combination).Distinct().Count());
        Assert.All(drawn, t => Assert.Contains(Combination(t), grid));
        Assert.Equal(drawn.Select(Combination), again);
        var otherSeeds = Enumerable.Range(12, 5).Select(seed => (random with { Seed = seed }).Trials(Base).Select(Combination).ToList());
        Assert.Contains(otherSeeds, other => !other.SequenceEqual(drawn.Select(Combination)));
    }

    [Fact]
    public void A_random_search_with_more_trials_than_combinations_tries_each_once()
    {
        var drawn = (Space with { Strategy = SearchStrategy.Random, MaxTrials = 50 }).Trials(Base).Select(Combination).ToList();

        Assert.Equal(Space.Trials(Base).Select(Combination).Order(), drawn.Order());
    }

    public static TheoryData<string, SearchSpace> BadSpaces => new()
    {
        { "learning_rates", Space with { LearningRates = [] } },
        { "learning_rates", Space with { LearningRates = [1e-3, 0] } },
        { "learning_rates", Space with { LearningRates = [2] } },
        { "learning_rates", Space with { LearningRates = [1e-3, 1e-3] } },
        { "ranks", Space with { Ranks = [] } },
        { "ranks", Space with { Ranks = [8, 0] } },
        { "epochs", Space with { Epochs = [] } },
        { "epochs", Space with { Epochs = [0] } },
        { "max_trials", Space with { Strategy = SearchStrategy.Random, MaxTrials = 0 } },
    };

    [Theory]
    [MemberData(nameof(BadSpaces))]
    public void Invalid_spaces_are_refused_naming_the_setting(string setting, SearchSpace space)
    {
        var error = Assert.Throws<ArgumentException>(() => space.Trials(Base).ToList());

        Assert.Equal(setting, error.ParamName);
        Assert.Contains($"'{setting}'", error.Message);
    }

    [Fact]
    public void A_search_without_a_validation_set_is_refused_before_anything_trains()
    {
        using var folder = new TempDirectory();
        var models = 0;

        var error = Assert.Throws<ArgumentException>(() =>
            new HyperparameterSearch(Space, Base).Run(() => { models++; return NewModel(); }, Train, null, folder.Path, Pad));

        Assert.Equal("validation", error.ParamName);
        Assert.Equal(0, models);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_search_refuses_a_negative_prune_margin_and_a_folder_that_already_holds_trials()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(folder.Path, "trial-03"));

        var margin = Assert.Throws<ArgumentException>(() =>
            new HyperparameterSearch(Space, Base) { PruneMargin = -0.1 }.Run(NewModel, Train, Validation, folder.Path, Pad));
        var taken = Assert.Throws<ArgumentException>(() => new HyperparameterSearch(Space, Base).Run(NewModel, Train, Validation, folder.Path, Pad));

        Assert.Equal("prune_margin", margin.ParamName);
        Assert.Contains("trial-03 already exists", taken.Message);
        Assert.Single(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void The_median_rule_stops_a_trial_worse_than_the_completed_trials_median_at_the_same_step()
    {
        var rule = new MedianStoppingRule(margin: 0);
        rule.AddCompleted([Record(2, 3f), Record(4, 2f)]);
        Assert.False(rule.IsHopeless(2, 100f)); // one completed trial is no median

        rule.AddCompleted([Record(2, 1f), Record(4, 1f), Record(6, 0.5f)]);
        Assert.True(rule.IsHopeless(2, 2.01f)); // median of 3 and 1
        Assert.False(rule.IsHopeless(2, 2f));
        Assert.False(rule.IsHopeless(6, 100f)); // only one completed trial measured step 6

        rule.AddCompleted([Record(4, 5f)]);
        Assert.True(rule.IsHopeless(4, 2.01f)); // median of 1, 2 and 5
        Assert.False(new MedianStoppingRule(margin: 0.5).IsHopeless(4, 2.4f));
    }

    [Fact]
    public void A_search_stops_a_hopeless_learning_rate_early_and_picks_a_good_one()
    {
        using var folder = new TempDirectory();
        var space = new SearchSpace { LearningRates = [1e-2, 2e-2, 1.0, 1e-5], Ranks = [4], Epochs = [2] };
        var events = new List<SearchProgress>();

        var result = new HyperparameterSearch(space, Base).Run(NewModel, Train, Validation, folder.Path, Pad, progress: new InlineProgress<SearchProgress>(events.Add));

        var byRate = result.Trials.ToDictionary(t => t.Settings.LearningRate);
        Assert.Equal([1e-2, 2e-2, 1.0, 1e-5], result.Trials.Select(t => t.Settings.LearningRate));
        Assert.Equal(TrialStatus.Completed, byRate[1e-2].Status);
        Assert.Equal(TrialStatus.Completed, byRate[2e-2].Status);
        Assert.NotEqual(TrialStatus.Completed, byRate[1.0].Status);
        Assert.Equal(TrialStatus.Pruned, byRate[1e-5].Status);
        Assert.Contains(result.Best!.Settings.LearningRate, new[] { 1e-2, 2e-2 });
        Assert.All(result.Trials, t => Assert.True(result.Best.BestValidationLoss <= (t.BestValidationLoss ?? float.MaxValue)));

        var completedSteps = result.Trials.Where(t => t.Status == TrialStatus.Completed).Min(t => t.Steps);
        Assert.All(result.Trials.Where(t => t.Status == TrialStatus.Pruned), t => Assert.True(t.Steps < completedSteps, $"{t.Settings}: {t.Steps} steps"));
        Assert.All(result.Trials.Where(t => t.Status == TrialStatus.Failed), t => Assert.Contains("learning_rate", t.Error));

        // a step event for every step each trial ran, then one outcome per trial, all numbered i of 4
        Assert.All(events, e => Assert.Equal(4, e.TrialCount));
        Assert.Equal(result.Trials.Select(t => t.Steps), result.Trials.Select(t => (long)events.Count(e => e.Trial == t.Settings.Number && e.Training is not null)));
        Assert.Equal(result.Trials, events.Where(e => e.Outcome is not null).Select(e => e.Outcome!));
    }

    [Fact]
    public void A_trial_whose_loss_stops_being_finite_fails_with_the_trainers_message_and_the_search_goes_on()
    {
        using var folder = new TempDirectory();
        var space = new SearchSpace { LearningRates = [1e-2, 2e-2], Ranks = [4], Epochs = [1] };
        var models = 0;
        LlamaModel NewModelFirstPoisoned()
        {
            var model = NewModel();
            if (models++ == 0) model.Parameters.AsSpan().Fill(float.NaN);
            return model;
        }

        var result = new HyperparameterSearch(space, Base).Run(NewModelFirstPoisoned, Train, Validation, folder.Path, Pad);

        var (failed, completed) = (result.Trials[0], result.Trials[1]);
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Contains("NaN at step 1", failed.Error);
        Assert.Equal(0, failed.Steps);
        Assert.Equal(TrialStatus.Completed, completed.Status);
        Assert.Same(completed, result.Best);
    }

    [Fact]
    public void Cancelling_the_search_stops_it_rather_than_pruning_the_running_trial()
    {
        using var folder = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var space = new SearchSpace { LearningRates = [1e-2, 2e-2], Ranks = [4], Epochs = [1] };
        var progress = new InlineProgress<SearchProgress>(e => { if (e is { Trial: 2, Training.Step: 1 }) cancel.Cancel(); });

        Assert.Throws<OperationCanceledException>(() =>
            new HyperparameterSearch(space, Base).Run(NewModel, Train, Validation, folder.Path, Pad, progress: progress, cancellationToken: cancel.Token));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "trial-02", "checkpoint")));
    }

    private static (double, int?, int) Combination(TrialSettings t) => (t.LearningRate, t.Rank, t.Epochs);

    private static FineTuneRecord Record(long step, float validationLoss) => new(step, 0, 0, validationLoss, 0);
}
