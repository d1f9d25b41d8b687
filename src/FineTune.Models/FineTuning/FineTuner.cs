using System.Diagnostics;
using System.Text.Json;
using FineTune.Engine.Layers;
using FineTune.Engine.Optim;
using FineTune.Models.Adapters;
using FineTune.Models.Formats;
using FineTune.Models.Llama;
using FineTune.Models.Methods;
using FineTune.Models.Training;

namespace FineTune.Models.FineTuning;

/// <summary>
/// One trainer for every method: full fine-tuning, LoRA, QLoRA, DoRA and Half Fine-Tuning, on a
/// language-model or a classification task. Right-padded batches, gradient accumulation, warm-up
/// then cosine or linear decay, global-norm clipping, AdamW with decoupled weight decay,
/// validation every N steps with early stopping, checkpoints every N steps. Everything random —
/// the shuffle, dropout masks, Half Fine-Tuning's halves — is drawn from the seed and the position
/// in the run, so a run started again on its folder resumes from the last checkpoint and
/// continues exactly as the uninterrupted run would have.
/// </summary>
public sealed class FineTuner(FineTuneOptions options)
{
    private const long DropoutPurpose = 0x4452_4F50;
    private const string MainGroup = "main.";
    private const string HeadGroup = "head.";
    private const string BestFileName = "best.safetensors";

    private static readonly JsonSerializerOptions SettingsJson = new() { WriteIndented = false };

    public FineTuneOptions Options { get; } = options;

    /// <param name="model">The base model. Full fine-tuning and Half Fine-Tuning train it in place; adapter methods leave it as it is.</param>
    /// <param name="padId">The token that fills a short sequence (it is never a target).</param>
    /// <param name="baseModelName">Recorded in the adapter's config as PEFT's base_model_name_or_path.</param>
    /// <param name="quantizedBase">QLoRA: the 4-bit projections when <paramref name="model"/> stores none
    /// (<see cref="QuantizedBase.Load"/>); null quantizes the model's own.</param>
    /// <param name="checkpointSaved">Called with the checkpoint folder each time one is written (a service copies it to durable storage).</param>
    public FineTuneResult Run(LlamaModel model, ExampleSet train, ExampleSet? validation, string runFolder, int padId,
        string? baseModelName = null, IProgress<FineTuneProgress>? progress = null, CancellationToken cancellationToken = default,
        QuantizedBase? quantizedBase = null, Action<string>? checkpointSaved = null)
    {
        var o = Options;
        o.Validate(model.Config);
        if (o.EarlyStoppingPatience is not null && validation is null)
            throw new ArgumentException("Setting 'early_stopping_patience' needs a validation set to watch.", "early_stopping_patience");
        if (quantizedBase is not null && o.Method != FineTuneMethod.Qlora)
            throw new ArgumentException($"A 4-bit base is for QLoRA; method {o.Method.Name()} trains fp32 weights.", nameof(quantizedBase));
        if (!model.Layout.StoresProjections && o.Method != FineTuneMethod.Qlora)
            throw new ArgumentException($"This model holds no projection weights (a QLoRA base); method {o.Method.Name()} needs them.", nameof(model));
        if ((uint)padId >= (uint)model.Config.VocabSize)
            throw new ArgumentException($"The padding token id {padId} is outside the model's vocabulary.", nameof(padId));
        Directory.CreateDirectory(runFolder);

        var sequenceLength = Math.Min(o.SequenceLimit(model.Config), Math.Max(train.LongestExample, validation?.LongestExample ?? 0));
        var run = new RunContext(o, model, sequenceLength, baseModelName, quantizedBase);
        var trainBatches = new ExampleBatches(train, o.BatchSize, sequenceLength, padId);
        var validationBatches = validation is null ? null : new ExampleBatches(validation, o.BatchSize, sequenceLength, padId);
        var classWeights = ClassWeights(train);

        long totalMicro = (long)o.Epochs * trainBatches.BatchesPerEpoch;
        var totalSteps = (int)Math.Min(o.MaxSteps ?? long.MaxValue, (totalMicro + o.GradientAccumulation - 1) / o.GradientAccumulation);
        var schedule = new LearningRateSchedule(o.LearningRate, (int)Math.Round(o.WarmupRatio * totalSteps), totalSteps, o.MinLearningRateRatio, o.Decay);
        var settings = JsonSerializer.Serialize(o, SettingsJson);

        var state = new FineTuneState { Step = 0, TokensSeen = 0, TrainingSeconds = 0, Settings = settings };
        var resumed = false;
        float[][]? best = null; // the weights at the best validation loss so far; null: the latest weights are the result
        if (TrainingCheckpoint.Find(runFolder) is { } checkpoint)
        {
            state = TrainingCheckpoint.ReadState<FineTuneState>(checkpoint);
            if (state.Settings != settings)
                throw new ArgumentException($"{runFolder} holds a run with other settings; resume it with the same settings, or use a new folder.");
            run.Restore(checkpoint, state);
            if (File.Exists(Path.Combine(checkpoint, BestFileName))) best = run.ReadSnapshot(Path.Combine(checkpoint, BestFileName));
            resumed = true;
        }

        var clock = Stopwatch.StartNew();
        var startSeconds = state.TrainingSeconds;
        var startStep = state.Step;
        var lastCheckpoint = state.Step;
        var micro = new List<(int Epoch, int Batch)>(o.GradientAccumulation);
        try
        {
            for (var step = (int)state.Step; step < totalSteps && !state.StoppedEarly; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                run.BeginStep(step);
                micro.Clear();
                for (var m = (long)step * o.GradientAccumulation; m < Math.Min(totalMicro, (long)(step + 1) * o.GradientAccumulation); m++)
                    micro.Add(((int)(m / trainBatches.BatchesPerEpoch), (int)(m % trainBatches.BatchesPerEpoch)));

                var loss = 0f;
                var tokens = 0;
                for (var i = 0; i < micro.Count; i++)
                {
                    tokens += trainBatches.Fill(o.Seed, micro[i].Epoch, micro[i].Batch, shuffle: true);
                    run.Pass.SetDropout(true, Seeds.Derive(o.Seed, DropoutPurpose, (long)step * o.GradientAccumulation + i));
                    loss += run.ForwardBackward(trainBatches, classWeights, 1f / micro.Count) / micro.Count;
                }
                if (!float.IsFinite(loss))
                    throw new InvalidOperationException($"The training loss became {loss} at step {step + 1}; lower learning_rate (now {o.LearningRate}) or raise warm-up.");
                var learningRate = schedule.At(step);
                run.ClipAndStep(learningRate, o.MaxGradientNorm);

                var done = step + 1;
                var epoch = (double)Math.Min(totalMicro, (long)done * o.GradientAccumulation) / trainBatches.BatchesPerEpoch;
                float? validationLoss = null;
                if (validationBatches is not null && (done % o.EvaluateEvery == 0 || done == totalSteps))
                {
                    validationLoss = run.Evaluate(validationBatches, classWeights, o.Seed);
                    if (state.BestValidationLoss is not { } bestLoss || validationLoss < bestLoss - o.EarlyStoppingMinDelta)
                    {
                        state = state with { BestValidationLoss = validationLoss, BestStep = done, EvaluationsWithoutImprovement = 0 };
                        best = run.Snapshot();
                    }
                    else
                    {
                        var without = state.EvaluationsWithoutImprovement + 1;
                        state = state with { EvaluationsWithoutImprovement = without, StoppedEarly = without >= o.EarlyStoppingPatience };
                    }
                }
                else if (validationBatches is null) state = state with { BestStep = done };
                state = state with
                {
                    Step = done,
                    TokensSeen = state.TokensSeen + tokens,
                    TrainingSeconds = startSeconds + clock.Elapsed.TotalSeconds,
                    OptimizerRound = run.Round,
                };
                state.History.Add(new FineTuneRecord(done, epoch, loss, validationLoss, learningRate));
                if (done % o.CheckpointEvery == 0 || done == totalSteps || state.StoppedEarly)
                {
                    run.SaveCheckpoint(runFolder, state, best);
                    lastCheckpoint = done;
                    checkpointSaved?.Invoke(TrainingCheckpoint.Find(runFolder)!);
                }

                var perStep = clock.Elapsed / (done - startStep);
                progress?.Report(new FineTuneProgress(done, totalSteps, epoch, loss, validationLoss, learningRate,
                    state.TokensSeen / Math.Max(1e-9, state.TrainingSeconds), TimeSpan.FromSeconds(state.TrainingSeconds),
                    state.StoppedEarly ? TimeSpan.Zero : perStep * (totalSteps - done)));
            }
        }
        catch (OperationCanceledException)
        {
            // keep what the steps since the last checkpoint learned; a later run resumes from here
            if (state.Step > lastCheckpoint)
            {
                run.SaveCheckpoint(runFolder, state, best);
                checkpointSaved?.Invoke(TrainingCheckpoint.Find(runFolder)!);
            }
            throw;
        }

        if (best is not null) run.Apply(best);
        return new FineTuneResult
        {
            Method = o.Method,
            Steps = state.Step,
            TotalSteps = totalSteps,
            StoppedEarly = state.StoppedEarly,
            ResumedFromStep = resumed ? startStep : null,
            TokensSeen = state.TokensSeen,
            TrainingTime = TimeSpan.FromSeconds(state.TrainingSeconds),
            TrainableParameters = run.TrainableParameters,
            History = state.History,
            BestStep = state.BestStep,
            BestValidationLoss = state.BestValidationLoss,
            Adapter = run.Adapter?.ToAdapter(model.Config),
            Head = run.Head,
        };
    }

    /// <summary>The class weights the loss uses: the given ones, or "balanced" from the training labels.</summary>
    private float[] ClassWeights(ExampleSet train)
    {
        if (Options.Task != FineTuneTask.SequenceClassification) return [];
        if (Options.ClassWeights is { Count: > 0 } given) return [.. given];
        return FocalLoss.BalancedWeights(train.Examples.Select(e => e.ClassLabel).ToArray(), Options.Classes.Count);
    }

    /// <summary>The pass, the trainable groups and their checkpoints for one run.</summary>
    private sealed class RunContext
    {
        private readonly FineTuneOptions _o;
        private readonly LlamaModel _model;
        private readonly List<TrainableGroup> _groups = [];
        private readonly float[] _dFeatures;

        public RunContext(FineTuneOptions o, LlamaModel model, int sequenceLength, string? baseModelName, QuantizedBase? quantizedBase)
        {
            _o = o;
            _model = model;
            if (o.Method.UsesAdapter())
            {
                var config = o.AdapterConfig(baseModelName);
                Adapter = new AdapterParameters(LoraAdapter.CreateFor(model, config, o.Seed), model.Config);
                var quantized = o.Method == FineTuneMethod.Qlora ? quantizedBase ?? new QuantizedBase(model) : null;
                Pass = new TrainingPass(model, o.BatchSize, sequenceLength, Adapter, quantizedBase: quantized);
                _groups.Add(new TrainableGroup(MainGroup, Adapter.Values, Adapter.Gradients, Adapter.OptimizerSlices(), o));
            }
            else
            {
                Pass = new TrainingPass(model, o.BatchSize, sequenceLength);
                SelectTrainable(round: 0);
                _groups.Add(new TrainableGroup(MainGroup, model.Parameters, Pass.Gradients, Pass.TrainableSlices(), o));
            }
            if (o.Task == FineTuneTask.SequenceClassification)
            {
                Head = new ClassificationHead(o.Classes, model.Config.HiddenSize, o.BatchSize, seed: o.Seed);
                _groups.Add(new TrainableGroup(HeadGroup, Head.Values, Head.Gradients, Head.OptimizerSlices(), o));
            }
            _dFeatures = Head is null ? [] : new float[o.BatchSize * sequenceLength * model.Config.HiddenSize];
            TrainableParameters = _groups.Sum(g => g.TrainableCount);
        }

        public TrainingPass Pass { get; }
        public AdapterParameters? Adapter { get; }
        public ClassificationHead? Head { get; }
        public long TrainableParameters { get; }
        /// <summary>Half Fine-Tuning's current round (0 for the other methods).</summary>
        public int Round { get; private set; }

        private TrainableGroup Main => _groups[0];

        public void BeginStep(int step)
        {
            Pass.ZeroGradients();
            if (Head is not null) Array.Clear(Head.Gradients);
            if (_o.Method != FineTuneMethod.HalfFineTuning) return;
            EnterRound(step / _o.HalfFineTuningRoundSteps);
        }

        /// <summary>Half Fine-Tuning's next round: its half trains, with a fresh optimizer (the old moments belong to weights now frozen).</summary>
        private void EnterRound(int round)
        {
            if (round == Round) return;
            SelectTrainable(round);
            Main.Retarget(Pass.TrainableSlices(), _o);
        }

        /// <summary>What trains of the model's own weights: all, or Half Fine-Tuning's half for the round.</summary>
        private void SelectTrainable(int round)
        {
            Round = round;
            var half = _o.Method == FineTuneMethod.HalfFineTuning ? HalfFineTuning.Round(_model.Layout, _o.Seed, round) : null;
            // a classification run does not use an untied LM head; training it would only decay it
            var unusedHead = _o.Task == FineTuneTask.SequenceClassification && _model.Layout.LmHead != _model.Layout.Embedding ? _model.Layout.LmHead : null;
            Pass.SetTrainable(t => (half is null || half(t)) && t != unusedHead);
        }

        /// <summary>Forward and backward of the batch just filled; returns its loss.</summary>
        public float ForwardBackward(ExampleBatches batch, float[] classWeights, float lossScale)
        {
            if (Head is null)
            {
                var loss = Pass.Forward(batch.InputIds, batch.Targets);
                Pass.Backward(lossScale);
                return loss;
            }
            var features = Pass.ForwardFeatures(batch.InputIds);
            var headLoss = Head.Forward(features, batch.LastPositions, batch.ClassLabels, classWeights, _o.FocalGamma);
            Head.Backward(_dFeatures, batch.LastPositions, classWeights, _o.FocalGamma, lossScale);
            Pass.BackwardFromFeatures(_dFeatures);
            return headLoss;
        }

        /// <summary>Clips every group's gradients as one vector, then steps each group's optimizer.</summary>
        public void ClipAndStep(double learningRate, float maxNorm)
        {
            var squares = _groups.Sum(g => GradientClipping.SumOfSquares(g.Gradients, g.Slices));
            var factor = GradientClipping.ClipFactor(Math.Sqrt(squares), maxNorm);
            foreach (var g in _groups)
            {
                GradientClipping.Scale(g.Gradients, g.Slices, factor);
                g.Optimizer.LearningRate = learningRate;
                g.Optimizer.Step(g.Values, g.Gradients);
            }
        }

        /// <summary>Mean loss over the whole set, in order, dropout off; weighted by the targets each batch counts.</summary>
        public float Evaluate(ExampleBatches batches, float[] classWeights, int seed)
        {
            Pass.SetDropout(false);
            double sum = 0, weight = 0;
            for (var b = 0; b < batches.BatchesPerEpoch; b++)
            {
                batches.Fill(seed, epoch: 0, b, shuffle: false);
                float loss;
                int counted;
                if (Head is null)
                {
                    loss = Pass.Forward(batches.InputIds, batches.Targets);
                    counted = batches.Targets.Count(t => t != CrossEntropy.IgnoreIndex);
                }
                else
                {
                    loss = Head.Forward(Pass.ForwardFeatures(batches.InputIds), batches.LastPositions, batches.ClassLabels, classWeights, _o.FocalGamma);
                    counted = batches.ClassLabels.Count(t => t != CrossEntropy.IgnoreIndex);
                }
                sum += (double)loss * counted;
                weight += counted;
            }
            return (float)(sum / Math.Max(1, weight));
        }

        /// <summary>A copy of every group's values (the weights at the best validation loss so far).</summary>
        public float[][] Snapshot() => [.. _groups.Select(g => (float[])g.Values.Clone())];

        public void Apply(float[][] snapshot)
        {
            for (var i = 0; i < _groups.Count; i++) snapshot[i].CopyTo(_groups[i].Values, 0);
        }

        public float[][] ReadSnapshot(string path)
        {
            using var file = SafetensorsFile.Open(path);
            return [.. _groups.Select(g => file.ReadFloat32(g.Name + "values"))];
        }

        public void SaveCheckpoint(string runFolder, FineTuneState state, float[][]? best) =>
            TrainingCheckpoint.Write(runFolder, folder =>
            {
                FineTuneResult.SaveWeights(Adapter?.ToAdapter(_model.Config), Head, _model, folder);
                if (best is not null)
                    SafetensorsWriter.Write(Path.Combine(folder, BestFileName),
                        _groups.Select((g, i) => (g.Name + "values", new[] { best[i].Length }, (ReadOnlyMemory<float>)best[i])));
                TrainingCheckpoint.SaveOptimizers(folder, [.. _groups.Select(g => (g.Name, g.Optimizer))]);
                TrainingCheckpoint.WriteState(folder, state);
            });

        /// <summary>Puts the checkpoint's weights and optimizer state back; Half Fine-Tuning re-enters the round it was in.</summary>
        public void Restore(string checkpoint, FineTuneState state)
        {
            if (Adapter is not null)
                new AdapterParameters(LoraAdapter.Load(checkpoint, _model.Config), _model.Config).Values.CopyTo(Adapter.Values, 0);
            else
            {
                var saved = LlamaCheckpoints.Load(checkpoint);
                if (saved.Config != _model.Config)
                    throw new ArgumentException($"{checkpoint} holds a model of another shape than the one given; resume with the same base model, or use a new folder.");
                saved.Parameters.CopyTo(_model.Parameters, 0);
            }
            if (Head is not null) ClassificationHead.Load(checkpoint, Head.Hidden, Head.Batch).Values.CopyTo(Head.Values, 0);

            var nextRound = _o.Method == FineTuneMethod.HalfFineTuning ? (int)(state.Step / _o.HalfFineTuningRoundSteps) : 0;
            EnterRound(nextRound);
            foreach (var g in _groups)
                // at a round boundary the saved moments belong to the previous round's half: the new round starts afresh
                if (g != Main || state.OptimizerRound == nextRound)
                    TrainingCheckpoint.RestoreOptimizer(checkpoint, g.Optimizer, g.Name);
        }
    }
}
