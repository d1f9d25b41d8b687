using System.Diagnostics;
using FineTune.Engine.Optim;
using FineTune.Models.Llama;

namespace FineTune.Models.Training;

/// <summary>
/// Next-token training of a whole model on a token stream — pre-training from random weights, or
/// continued pre-training of a loaded model. Checkpoints every <see cref="PretrainOptions.CheckpointEvery"/>
/// steps and at the end; started again on the same run folder it resumes from the last checkpoint
/// and continues exactly as if never stopped (same batches, same optimizer state).
/// </summary>
public sealed class Pretrainer(PretrainOptions options)
{
    public PretrainOptions Options { get; } = options;

    /// <param name="model">Its weights are replaced by the checkpoint's when the run resumes.</param>
    public PretrainResult Run(LlamaModel model, TokenWindows train, TokenWindows validation, string runFolder,
        IProgress<PretrainProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (train.SequenceLength != Options.SequenceLength || validation.SequenceLength != Options.SequenceLength)
            throw new ArgumentException($"Token windows must be {Options.SequenceLength} tokens long, as the options say.");
        Directory.CreateDirectory(runFolder);
        var pass = new TrainingPass(model, Options.BatchSize, Options.SequenceLength);
        var optimizer = new AdamW(Options.PeakLearningRate, Options.Beta1, Options.Beta2, Options.Epsilon, Options.WeightDecay,
            pass.TrainableSlices());
        var schedule = new LearningRateSchedule(Options.PeakLearningRate, Options.WarmupSteps, Options.Steps, Options.MinLearningRateRatio);

        var state = new TrainerState { Step = 0, TokensSeen = 0, TrainingSeconds = 0, Options = Options };
        var resumed = false;
        if (TrainingCheckpoint.Find(runFolder) is { } checkpoint)
        {
            state = TrainingCheckpoint.ReadState(checkpoint);
            if (state.Options with { Steps = Options.Steps } != Options with { Steps = Options.Steps })
                throw new ArgumentException(
                    $"{runFolder} holds a run with other settings; resume it with the same settings (only the step count may grow), or use a new folder.");
            var saved = LlamaCheckpoints.Load(checkpoint);
            if (saved.Config != model.Config)
                throw new ArgumentException($"{checkpoint} holds a model of another shape than the one given; resume with the same model settings, or use a new folder.");
            saved.Parameters.CopyTo(model.Parameters, 0);
            TrainingCheckpoint.RestoreOptimizer(checkpoint, optimizer);
            state = state with { Options = Options };
            resumed = true;
        }

        var inputs = new int[Options.BatchSize * Options.SequenceLength];
        var targets = new int[inputs.Length];
        var clock = Stopwatch.StartNew();
        var startSeconds = state.TrainingSeconds;
        var startStep = state.Step;
        float? validationLoss = null;
        for (var step = state.Step; step < Options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pass.ZeroGradients();
            var loss = 0f;
            for (var micro = 0; micro < Options.GradientAccumulation; micro++)
            {
                train.RandomBatch(Options.Seed, step * Options.GradientAccumulation + micro, inputs, targets);
                loss += pass.Forward(inputs, targets) / Options.GradientAccumulation;
                pass.Backward(1f / Options.GradientAccumulation);
            }
            GradientClipping.ClipByGlobalNorm(pass.Gradients, optimizer.Slices, Options.MaxGradientNorm);
            optimizer.LearningRate = schedule.At(step);
            optimizer.Step(model.Parameters, pass.Gradients);

            var done = step + 1;
            validationLoss = done % Options.EvaluateEvery == 0 || done == Options.Steps ? Evaluate(pass, validation, Options.EvaluationWindows) : null;
            state = state with
            {
                Step = done,
                TokensSeen = state.TokensSeen + Options.TokensPerStep,
                TrainingSeconds = startSeconds + clock.Elapsed.TotalSeconds,
            };
            state.History.Add(new LossRecord(done, loss, validationLoss));
            if (done % Options.CheckpointEvery == 0 || done == Options.Steps)
                TrainingCheckpoint.Save(runFolder, model, optimizer, state);

            var perStep = clock.Elapsed / (done - startStep);
            progress?.Report(new PretrainProgress(done, Options.Steps, loss, optimizer.LearningRate, state.TokensSeen,
                Options.TokensPerStep / perStep.TotalSeconds, TimeSpan.FromSeconds(state.TrainingSeconds),
                perStep * (Options.Steps - done), validationLoss));
        }
        var finalLoss = state.History.LastOrDefault(h => h.ValidationLoss is not null)?.ValidationLoss ?? Evaluate(pass, validation, Options.EvaluationWindows);
        return new PretrainResult(state.Step, state.TokensSeen, finalLoss, TimeSpan.FromSeconds(state.TrainingSeconds), resumed);
    }

    /// <summary>
    /// Mean next-token loss over <paramref name="windows"/> fixed, evenly spaced validation windows
    /// (rounded up to whole batches); perplexity is its exp.
    /// </summary>
    public static float Evaluate(LlamaModel model, TokenWindows validation, int batchSize, int windows) =>
        Evaluate(new TrainingPass(model, batchSize, validation.SequenceLength), validation, windows);

    /// <summary>As above on an existing pass, whose activation buffers are reused (training evaluates on its own pass).</summary>
    private static float Evaluate(TrainingPass pass, TokenWindows validation, int windows)
    {
        var batches = (windows + pass.Batch - 1) / pass.Batch;
        var total = batches * pass.Batch;
        var inputs = new int[pass.Batch * validation.SequenceLength];
        var targets = new int[inputs.Length];
        double sum = 0;
        for (var b = 0; b < batches; b++)
        {
            validation.EvenlySpaced(b * pass.Batch, total, inputs, targets);
            sum += pass.Forward(inputs, targets); // every target counts, so batch means average evenly
        }
        return (float)(sum / batches);
    }
}
