using FineTune.Models.Adapters;
using FineTune.Models.Training;

namespace FineTune.Models.FineTuning;

/// <summary>
/// Settings of a fine-tuning run. Errors name each setting as a job request spells it
/// (<c>learning_rate</c>, <c>batch_size</c>, PEFT's <c>r</c> and <c>lora_alpha</c>…).
/// </summary>
public sealed record FineTuneOptions
{
    public FineTuneMethod Method { get; init; } = FineTuneMethod.Lora;
    public FineTuneTask Task { get; init; } = FineTuneTask.CausalLanguageModel;

    // adapter methods
    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public double Dropout { get; init; } = 0.05;
    public IReadOnlyList<string> TargetModules { get; init; } = LoraTargets.All;
    public bool UseRsLora { get; init; }

    /// <summary>Half Fine-Tuning: optimizer steps per round before the trainable half is redrawn.</summary>
    public int HalfFineTuningRoundSteps { get; init; } = 50;

    // sequence classification
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>Focal loss γ: 0 is (weighted) cross-entropy; 2 is the focal-loss paper's choice.</summary>
    public float FocalGamma { get; init; }
    /// <summary>Weights per class (same order as <see cref="Classes"/>); empty means "balanced" from the training labels.</summary>
    public IReadOnlyList<float>? ClassWeights { get; init; }

    public int Epochs { get; init; } = 1;
    /// <summary>Stops after this many optimizer steps even when epochs remain (null: run every epoch).</summary>
    public int? MaxSteps { get; init; }
    public int BatchSize { get; init; } = 8;
    public int GradientAccumulation { get; init; } = 1;
    public double LearningRate { get; init; } = 2e-4;
    /// <summary>The share of all steps spent warming up linearly from zero.</summary>
    public double WarmupRatio { get; init; } = 0.05;
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Cosine;
    /// <summary>The learning rate at the last step, as a share of the peak.</summary>
    public double MinLearningRateRatio { get; init; }
    public double WeightDecay { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public float MaxGradientNorm { get; init; } = 1f;

    /// <summary>Tokens per example the run allows (null: the model's context).</summary>
    public int? MaxSequenceLength { get; init; }
    public OverlongPolicy Overlong { get; init; } = OverlongPolicy.Reject;

    public int EvaluateEvery { get; init; } = 50;
    /// <summary>Evaluations in a row without a better validation loss before training stops (null: never stop early).</summary>
    public int? EarlyStoppingPatience { get; init; }
    /// <summary>A validation loss must beat the best by more than this to count as better.</summary>
    public double EarlyStoppingMinDelta { get; init; }
    public int CheckpointEvery { get; init; } = 100;
    public int Seed { get; init; } = 42;

    public LoraAdapterConfig AdapterConfig(string? baseModel = null) => new()
    {
        Rank = Rank,
        Alpha = Alpha,
        Dropout = Dropout,
        TargetModules = [.. TargetModules.Select(LoraTargets.Normalize).Distinct()],
        UseRsLora = UseRsLora,
        UseDora = Method == FineTuneMethod.Dora,
        BaseModel = baseModel,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting, before anything trains.</summary>
    public void Validate(LlamaConfig model)
    {
        if (!Enum.IsDefined(Method)) throw Bad("method", $"unknown method {Method}");
        if (Method.UsesAdapter())
        {
            foreach (var module in TargetModules)
            {
                try { LoraTargets.Normalize(module); }
                catch (ArgumentException e) { throw Bad("target_modules", e.Message.TrimEnd('.')); }
            }
            AdapterConfig().Validate();
        }
        if (Method == FineTuneMethod.HalfFineTuning) AtLeast(HalfFineTuningRoundSteps, 1, "hft_round_steps");
        if (Task == FineTuneTask.SequenceClassification)
        {
            if (Classes.Count < 2) throw Bad("classes", $"sequence classification needs at least two classes, got {Classes.Count}");
            if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count) throw Bad("classes", "class names must be distinct");
            if (!(FocalGamma >= 0)) throw Bad("focal_gamma", $"must be ≥ 0, got {FocalGamma}");
            if (ClassWeights is { Count: > 0 } weights)
            {
                if (weights.Count != Classes.Count) throw Bad("class_weights", $"has {weights.Count} weights for {Classes.Count} classes");
                if (weights.Any(w => !(w >= 0) || float.IsInfinity(w))) throw Bad("class_weights", "weights must be finite and ≥ 0");
            }
        }
        AtLeast(Epochs, 1, "n_epochs");
        if (MaxSteps is { } max) AtLeast(max, 1, "max_steps");
        if (BatchSize is < 1 or > 1024) throw Bad("batch_size", $"must be in [1, 1024], got {BatchSize}");
        if (GradientAccumulation is < 1 or > 1024) throw Bad("gradient_accumulation_steps", $"must be in [1, 1024], got {GradientAccumulation}");
        if (!(LearningRate > 0 && LearningRate <= 1)) throw Bad("learning_rate", $"must be in (0, 1], got {LearningRate}");
        if (!(WarmupRatio >= 0 && WarmupRatio < 1)) throw Bad("warmup_ratio", $"must be in [0, 1), got {WarmupRatio}");
        if (!(MinLearningRateRatio >= 0 && MinLearningRateRatio <= 1)) throw Bad("min_lr_ratio", $"must be in [0, 1], got {MinLearningRateRatio}");
        if (!(WeightDecay >= 0 && WeightDecay <= 1)) throw Bad("weight_decay", $"must be in [0, 1], got {WeightDecay}");
        if (!(MaxGradientNorm > 0)) throw Bad("max_grad_norm", $"must be positive, got {MaxGradientNorm}");
        if (MaxSequenceLength is { } length && (length < 2 || length > model.MaxPositionEmbeddings))
            throw Bad("max_seq_length", $"must be in [2, {model.MaxPositionEmbeddings}] (the model's context), got {length}");
        AtLeast(EvaluateEvery, 1, "eval_steps");
        if (EarlyStoppingPatience is { } patience) AtLeast(patience, 1, "early_stopping_patience");
        AtLeast(CheckpointEvery, 1, "save_steps");
    }

    /// <summary>The longest example, in tokens, a run of this model takes.</summary>
    public int SequenceLimit(LlamaConfig model) => MaxSequenceLength ?? model.MaxPositionEmbeddings;

    private static void AtLeast(int value, int least, string setting)
    {
        if (value < least) throw Bad(setting, $"must be at least {least}, got {value}");
    }

    private static ArgumentException Bad(string setting, string reason) => new($"Setting '{setting}': {reason}.", setting);
}
