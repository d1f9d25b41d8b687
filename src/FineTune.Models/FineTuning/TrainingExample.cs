using FineTune.Engine.Layers;

namespace FineTune.Models.FineTuning;

/// <summary>
/// One tokenized example. For a language-model task, <see cref="Labels"/> lines up with
/// <see cref="InputIds"/> as in Hugging Face (the trainer shifts it by one) and holds
/// <see cref="CrossEntropy.IgnoreIndex"/> where no loss is taken (system and user turns, the
/// template's headers). For classification, <see cref="ClassLabel"/> is the class index and
/// <see cref="Labels"/> is empty.
/// </summary>
public sealed record TrainingExample(int[] InputIds, int[] Labels, int ClassLabel = -1)
{
    public static TrainingExample ForClass(int[] inputIds, int classLabel) => new(inputIds, [], classLabel);

    /// <summary>Raw text for continued pre-training: every token is a label.</summary>
    public static TrainingExample ForText(int[] inputIds) => new(inputIds, inputIds);

    public int Length => InputIds.Length;
}
