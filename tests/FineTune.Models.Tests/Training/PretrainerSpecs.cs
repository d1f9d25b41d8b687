using FineTune.Models.Llama;
using FineTune.Models.Tests.Llama;
using FineTune.Models.Training;
using FineTune.Testing;

namespace FineTune.Models.Tests.Training;

public sealed class PretrainerSpecs
{
    private static readonly PretrainOptions Options = new()
    {
        BatchSize = 2, SequenceLength = 8, Steps = 6, WarmupSteps = 1, PeakLearningRate = 1e-2,
        EvaluateEvery = 3, EvaluationWindows = 4, CheckpointEvery = 3, Seed = 9,
    };

    [Fact]
    public void A_run_stopped_after_a_checkpoint_and_resumed_ends_bit_for_bit_where_an_unbroken_run_ends()
    {
        using var unbroken = new TempDirectory();
        using var interrupted = new TempDirectory();
        var (train, valid) = Streams();

        var whole = NewModel();
        new Pretrainer(Options).Run(whole, train, valid, unbroken.Path);

        var first = NewModel();
        using var stop = new CancellationTokenSource();
        var progress = new InlineProgress<PretrainProgress>(p => { if (p.Step == 3) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new Pretrainer(Options).Run(first, train, valid, interrupted.Path, progress, stop.Token));
        var second = NewModel(); // a new process: fresh weights, everything else from the checkpoint
        var result = new Pretrainer(Options).Run(second, train, valid, interrupted.Path);

        Assert.True(result.Resumed);
        Assert.Equal(6, result.Steps);
        Assert.Equal(whole.Parameters, second.Parameters);
        Assert.Equal(6 * Options.TokensPerStep, result.TokensSeen);
    }

    [Fact]
    public void Training_on_a_learnable_stream_lowers_the_validation_perplexity()
    {
        using var folder = new TempDirectory();
        var (train, valid) = Streams();
        var model = NewModel();
        var before = Pretrainer.Evaluate(model, valid, 2, 4);

        var result = new Pretrainer(Options with { Steps = 40, EvaluateEvery = 20, CheckpointEvery = 40 }).Run(model, train, valid, folder.Path);

        Assert.True(result.ValidationLoss < before * 0.7f, $"validation loss {result.ValidationLoss} vs {before} before training");
        var state = TrainingCheckpoint.ReadState(TrainingCheckpoint.Find(folder.Path)!);
        Assert.Equal(40, state.History.Count);
        Assert.Equal(result.ValidationLoss, state.History[^1].ValidationLoss);
    }

    [Fact]
    public void A_crash_between_the_two_renames_leaves_the_previous_checkpoint_to_resume_from()
    {
        using var folder = new TempDirectory();
        var (train, valid) = Streams();
        new Pretrainer(Options with { Steps = 3 }).Run(NewModel(), train, valid, folder.Path);
        var final = Path.Combine(folder.Path, TrainingCheckpoint.FolderName);
        Directory.Move(final, final + ".old"); // as if the process died after moving the old one aside

        Assert.Equal(final + ".old", TrainingCheckpoint.Find(folder.Path));
        var result = new Pretrainer(Options).Run(NewModel(), train, valid, folder.Path);
        Assert.True(result.Resumed);
        Assert.Equal(6, result.Steps);
    }

    [Fact]
    public void Resuming_with_other_settings_is_refused()
    {
        using var folder = new TempDirectory();
        var (train, valid) = Streams();
        new Pretrainer(Options with { Steps = 3 }).Run(NewModel(), train, valid, folder.Path);

        var error = Assert.Throws<ArgumentException>(() =>
            new Pretrainer(Options with { PeakLearningRate = 5e-3 }).Run(NewModel(), train, valid, folder.Path));

        Assert.Contains("other settings", error.Message);
    }

    private static LlamaModel NewModel() => LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 1);

    /// <summary>A stream a tiny model can learn: a repeating sequence with a little noise.</summary>
    private static (TokenWindows Train, TokenWindows Valid) Streams()
    {
        var random = new Random(3);
        int[] Stream(int length) => Enumerable.Range(0, length).Select(i => random.Next(10) == 0 ? random.Next(32) : i * 7 % 32).ToArray();
        return (new TokenWindows(Stream(2000), 8), new TokenWindows(Stream(300), 8));
    }
}
