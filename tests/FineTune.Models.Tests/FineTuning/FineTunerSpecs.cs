using FineTune.Models.Adapters;
using FineTune.Models.FineTuning;
using FineTune.Models.Formats;
using FineTune.Models.Llama;
using FineTune.Models.Methods;
using FineTune.Models.Tests.Training;
using FineTune.Testing;
using static FineTune.Models.Tests.FineTuning.FineTuningData;

namespace FineTune.Models.Tests.FineTuning;

public sealed class FineTunerSpecs
{
    private static readonly FineTuneOptions Quick = new()
    {
        Rank = 4, Alpha = 8, Dropout = 0.1, BatchSize = 4, GradientAccumulation = 2, Epochs = 20, MaxSteps = 8, LearningRate = 1e-2,
        WarmupRatio = 0.25, EvaluateEvery = 4, CheckpointEvery = 2, HalfFineTuningRoundSteps = 3, Seed = 5,
    };

    private static readonly ExampleSet Train = ExampleSet.Prepare("train", Instructions(24, seed: 1), Quick, Config);
    private static readonly ExampleSet Validation = ExampleSet.Prepare("validation", Instructions(8, seed: 2), Quick, Config);

    public static TheoryData<FineTuneMethod, FineTuneTask, int> ResumeCases => new()
    {
        { FineTuneMethod.Full, FineTuneTask.CausalLanguageModel, 3 },
        { FineTuneMethod.Lora, FineTuneTask.CausalLanguageModel, 5 },
        { FineTuneMethod.Qlora, FineTuneTask.CausalLanguageModel, 3 },
        { FineTuneMethod.Dora, FineTuneTask.CausalLanguageModel, 5 },
        { FineTuneMethod.HalfFineTuning, FineTuneTask.CausalLanguageModel, 3 }, // resumes at a round boundary
        { FineTuneMethod.HalfFineTuning, FineTuneTask.CausalLanguageModel, 5 }, // resumes inside a round
        { FineTuneMethod.Lora, FineTuneTask.SequenceClassification, 5 },
        { FineTuneMethod.Full, FineTuneTask.SequenceClassification, 3 },
    };

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void A_run_cancelled_and_resumed_reproduces_the_unbroken_runs_losses_and_weights_exactly(FineTuneMethod method, FineTuneTask task, int cancelAfter)
    {
        var (options, train, validation) = Setup(method, task);
        using var unbroken = new TempDirectory();
        using var interrupted = new TempDirectory();

        var whole = NewModel();
        var expected = new FineTuner(options).Run(whole, train, validation, unbroken.Path, Pad);

        using var stop = new CancellationTokenSource();
        var progress = new InlineProgress<FineTuneProgress>(p => { if (p.Step == cancelAfter) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            new FineTuner(options).Run(NewModel(), train, validation, interrupted.Path, Pad, progress: progress, cancellationToken: stop.Token));
        var resumedModel = NewModel(); // as in a new process: fresh weights, the rest from the checkpoint
        var actual = new FineTuner(options).Run(resumedModel, train, validation, interrupted.Path, Pad);

        Assert.True(actual.Resumed);
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.History.Select(h => (h.Loss, h.ValidationLoss)), actual.History.Select(h => (h.Loss, h.ValidationLoss)));
        Assert.Equal(whole.Parameters, resumedModel.Parameters);
        Assert.Equal(Values(expected), Values(actual));
        Assert.Equal(expected.TokensSeen, actual.TokensSeen);
    }

    [Theory]
    [InlineData(FineTuneMethod.Full)]
    [InlineData(FineTuneMethod.Lora)]
    [InlineData(FineTuneMethod.Qlora)]
    [InlineData(FineTuneMethod.Dora)]
    [InlineData(FineTuneMethod.HalfFineTuning)]
    public void Every_method_fits_the_training_set_and_adapter_methods_leave_the_base_untouched(FineTuneMethod method)
    {
        using var folder = new TempDirectory();
        var model = NewModel();
        var before = (float[])model.Parameters.Clone();
        var options = Quick with { Method = method, MaxSteps = 60, Dropout = 0, EvaluateEvery = 60, CheckpointEvery = 60, HalfFineTuningRoundSteps = 20 };

        var result = new FineTuner(options).Run(model, Train, Validation, folder.Path, Pad);

        // the training loss: 24 examples of a copying rule are learnt by heart long before the rule itself
        var initial = result.History[0].Loss;
        var final = result.History.TakeLast(5).Average(h => h.Loss);
        Assert.True(final < 0.5f * initial, $"{method}: training loss {final} at the end vs {initial} at the first step");
        if (method.UsesAdapter()) Assert.Equal(before, model.Parameters);
        else Assert.NotEqual(before, model.Parameters);
    }

    [Fact]
    public void Qlora_on_a_base_loaded_without_fp32_projections_trains_exactly_as_on_the_full_model()
    {
        using var folder = new TempDirectory();
        LlamaCheckpoints.Save(NewModel(), Path.Combine(folder.Path, "base"));
        var options = Quick with { Method = FineTuneMethod.Qlora, MaxSteps = 4 };

        var full = new FineTuner(options).Run(NewModel(), Train, Validation, Path.Combine(folder.Path, "a"), Pad);
        var (rest, weights) = QuantizedBase.Load(Path.Combine(folder.Path, "base"));
        var compact = new FineTuner(options).Run(rest, Train, Validation, Path.Combine(folder.Path, "b"), Pad, quantizedBase: weights);

        Assert.Equal(full.History.Select(h => h.Loss), compact.History.Select(h => h.Loss));
        Assert.Equal(Values(full), Values(compact));
        var error = Assert.Throws<ArgumentException>(() => new FineTuner(Quick).Run(rest, Train, Validation, Path.Combine(folder.Path, "c"), Pad));
        Assert.Contains("holds no projection weights", error.Message);
    }

    [Fact]
    public void Half_fine_tuning_changes_only_the_half_drawn_for_the_round()
    {
        using var folder = new TempDirectory();
        var model = NewModel();
        var before = NewModel();
        var options = Quick with { Method = FineTuneMethod.HalfFineTuning, MaxSteps = 4, HalfFineTuningRoundSteps = 10 };

        new FineTuner(options).Run(model, Train, Validation, folder.Path, Pad);

        var trainable = HalfFineTuning.TrainableIn(model.Layout, options.Seed, round: 0);
        foreach (var tensor in model.Layout.All)
        {
            var changed = !model[tensor].SequenceEqual(before[tensor]);
            Assert.True(changed == trainable.Contains(tensor.Name), $"{tensor.Name}: changed {changed}, trainable {trainable.Contains(tensor.Name)}");
        }
    }

    [Fact]
    public void Early_stopping_ends_the_run_patience_evaluations_after_the_best_and_returns_the_best_weights()
    {
        using var folder = new TempDirectory();
        // the validation replies follow another rule, so learning the training rule soon makes them worse
        var conflicting = ExampleSet.Prepare("validation", Instructions(8, seed: 1, offset: 30), Quick, Config);
        var options = Quick with { MaxSteps = 80, Dropout = 0, EvaluateEvery = 2, EarlyStoppingPatience = 2, CheckpointEvery = 100 };

        var result = new FineTuner(options).Run(NewModel(), Train, conflicting, folder.Path, Pad);

        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestStep + 2 * options.EvaluateEvery, result.Steps);
        var evaluated = result.History.Where(h => h.ValidationLoss is not null).ToList();
        Assert.Equal(evaluated.Min(h => h.ValidationLoss), result.BestValidationLoss);
        // the returned adapter is the best step's: the checkpoint's best.safetensors holds the same values
        var adapter = new AdapterParameters(result.Adapter!, Config);
        using var best = SafetensorsFile.Open(Path.Combine(folder.Path, "checkpoint", "best.safetensors"));
        Assert.Equal(best.ReadFloat32("main.values"), adapter.Values);
    }

    [Fact]
    public void A_padded_example_has_the_loss_it_has_alone()
    {
        var model = NewModel();
        var example = Train.Examples[0];
        var alone = ExampleSet.Prepare("one", [example], Quick, Config);
        var batches = new ExampleBatches(alone, batchSize: 1, example.Length, Pad);
        batches.Fill(0, 0, 0, shuffle: false);
        var lossAlone = new TrainingPass(model, 1, example.Length).Forward(batches.InputIds, batches.Targets);

        var padded = new ExampleBatches(alone, batchSize: 1, sequenceLength: 20, Pad);
        padded.Fill(0, 0, 0, shuffle: false);
        var lossPadded = new TrainingPass(model, 1, 20).Forward(padded.InputIds, padded.Targets);

        Assert.Equal(lossAlone, lossPadded, 1e-5f);
    }

    [Fact]
    public void The_classification_head_learns_an_imbalanced_task_with_focal_loss()
    {
        using var folder = new TempDirectory();
        var (options, train, validation) = Setup(FineTuneMethod.Lora, FineTuneTask.SequenceClassification);
        var result = new FineTuner(options with { MaxSteps = 40, Dropout = 0, EvaluateEvery = 20 }).Run(NewModel(), train, validation, folder.Path, Pad);

        Assert.True(result.BestValidationLoss < 0.3f * result.History[0].Loss, $"{result.BestValidationLoss} vs {result.History[0].Loss}");
        result.Save(NewModel(), folder.Path + "/out");
        var head = ClassificationHead.Load(folder.Path + "/out", Config.HiddenSize, batch: 1);
        Assert.Equal(result.Head!.Values, head.Values);
        Assert.Equal(["low", "high"], head.Classes);
    }

    [Fact]
    public void The_trained_adapter_saves_in_the_peft_format_and_loads_back_equal()
    {
        using var folder = new TempDirectory();
        var result = new FineTuner(Quick with { Method = FineTuneMethod.Dora, MaxSteps = 3 }).Run(NewModel(), Train, null, folder.Path, Pad, baseModelName: "tiny");

        result.Save(NewModel(), folder.Path + "/adapter");
        var loaded = LoraAdapter.Load(folder.Path + "/adapter", Config, baseModel: "tiny");

        Assert.True(loaded.Config.UseDora);
        Assert.Equal(new AdapterParameters(result.Adapter!, Config).Values, new AdapterParameters(loaded, Config).Values);
        Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(folder.Path + "/adapter", Config, baseModel: "another"));
    }

    [Fact]
    public void Resuming_with_other_settings_is_refused()
    {
        using var folder = new TempDirectory();
        new FineTuner(Quick with { MaxSteps = 2 }).Run(NewModel(), Train, Validation, folder.Path, Pad);

        var error = Assert.Throws<ArgumentException>(() => new FineTuner(Quick with { LearningRate = 1e-3 }).Run(NewModel(), Train, Validation, folder.Path, Pad));
        Assert.Contains("other settings", error.Message);
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "r", "rank 0" }, { "lora_alpha", "alpha 0" }, { "target_modules", "module attn" }, { "learning_rate", "lr 0" },
        { "learning_rate", "lr 3" }, { "batch_size", "batch 0" }, { "batch_size", "batch 5000" }, { "max_seq_length", "length 100" },
        { "n_epochs", "epochs 0" }, { "warmup_ratio", "warmup 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_named_before_training_starts(string setting, string change)
    {
        var options = change switch
        {
            "rank 0" => Quick with { Rank = 0 },
            "alpha 0" => Quick with { Alpha = 0 },
            "module attn" => Quick with { TargetModules = ["q", "attn"] },
            "lr 0" => Quick with { LearningRate = 0 },
            "lr 3" => Quick with { LearningRate = 3 },
            "batch 0" => Quick with { BatchSize = 0 },
            "batch 5000" => Quick with { BatchSize = 5000 },
            "length 100" => Quick with { MaxSequenceLength = 100 },
            "epochs 0" => Quick with { Epochs = 0 },
            "warmup 1" => Quick with { WarmupRatio = 1 },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        using var folder = new TempDirectory();

        var error = Assert.Throws<ArgumentException>(() => new FineTuner(options).Run(NewModel(), Train, Validation, folder.Path, Pad));

        Assert.Equal(setting, error.ParamName);
        Assert.Contains(setting, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void An_empty_set_or_an_overlong_example_is_refused_naming_it_and_truncation_is_a_setting()
    {
        var empty = Assert.Throws<ArgumentException>(() => ExampleSet.Prepare("train", [], Quick, Config));
        Assert.Contains("train set is empty", empty.Message);

        var examples = Instructions(5, seed: 3);
        examples.Insert(3, new TrainingExample([.. Enumerable.Repeat(5, 40)], [.. Enumerable.Repeat(5, 40)]));
        var overlong = Assert.Throws<ArgumentException>(() => ExampleSet.Prepare("train", examples, Quick, Config));
        Assert.Contains("train example 4 has 40 tokens; the limit is 32", overlong.Message);

        var truncated = ExampleSet.Prepare("train", examples, Quick with { Overlong = OverlongPolicy.Truncate, MaxSequenceLength = 16 }, Config);
        Assert.Equal(1, truncated.Truncated);
        Assert.Equal(16, truncated.LongestExample);
    }

    private static (FineTuneOptions, ExampleSet, ExampleSet) Setup(FineTuneMethod method, FineTuneTask task)
    {
        if (task == FineTuneTask.CausalLanguageModel) return (Quick with { Method = method }, Train, Validation);
        var options = Quick with { Method = method, Task = task, Classes = ["low", "high"], FocalGamma = 2 };
        return (options, ExampleSet.Prepare("train", Classification(32, seed: 1), options, Config),
            ExampleSet.Prepare("validation", Classification(12, seed: 2), options, Config));
    }

    /// <summary>Everything the run trained besides the model's own weights.</summary>
    private static float[] Values(FineTuneResult result) =>
        [.. result.Adapter is null ? [] : new AdapterParameters(result.Adapter, Config).Values, .. result.Head?.Values ?? []];
}
