using FineTune.Models.Adapters;
using FineTune.Models.Llama;

namespace FineTune.Models.FineTuning;

/// <summary>How a run ended, and what it made.</summary>
public sealed record FineTuneResult
{
    public required FineTuneMethod Method { get; init; }
    public required long Steps { get; init; }
    public required long TotalSteps { get; init; }
    public required bool StoppedEarly { get; init; }
    /// <summary>The step a checkpoint let the run start from; null for a fresh run.</summary>
    public long? ResumedFromStep { get; init; }
    public bool Resumed => ResumedFromStep is not null;
    public required long TokensSeen { get; init; }
    public required TimeSpan TrainingTime { get; init; }
    /// <summary>Values the optimizer updates at a step (for Half Fine-Tuning, those of the first round).</summary>
    public required long TrainableParameters { get; init; }
    public required IReadOnlyList<FineTuneRecord> History { get; init; }
    /// <summary>The step whose weights the result holds: the best validation loss's, or the last.</summary>
    public required long BestStep { get; init; }
    public float? BestValidationLoss { get; init; }
    /// <summary>The trained adapter (LoRA, QLoRA, DoRA); null when the model's own weights trained.</summary>
    public LoraAdapter? Adapter { get; init; }
    /// <summary>The trained classification head, for a classification run.</summary>
    public ClassificationHead? Head { get; init; }

    public double TokensPerSecond => TrainingTime.TotalSeconds > 0 ? TokensSeen / TrainingTime.TotalSeconds : 0;

    /// <summary>
    /// Writes what the run made: a PEFT adapter folder, or (full, Half Fine-Tuning) the whole model as a
    /// Hugging Face folder; plus <c>classifier.safetensors</c> for a classification head.
    /// </summary>
    public void Save(LlamaModel trainedModel, string folder) => SaveWeights(Adapter, Head, trainedModel, folder);

    /// <summary>The files a run's weights make, for the result and for every checkpoint alike.</summary>
    internal static void SaveWeights(LoraAdapter? adapter, ClassificationHead? head, LlamaModel model, string folder)
    {
        if (adapter is not null) adapter.Save(folder);
        else LlamaCheckpoints.Save(model, folder);
        head?.Save(folder);
    }
}
