namespace FineTune.Models.FineTuning;

/// <summary>What a fine-tuning run changes in the base model.</summary>
public enum FineTuneMethod
{
    /// <summary>Every weight trains.</summary>
    Full,
    /// <summary>A low-rank update B·A beside frozen target projections.</summary>
    Lora,
    /// <summary>LoRA over a base held in 4-bit NormalFloat with double-quantized scales.</summary>
    Qlora,
    /// <summary>Weight-decomposed LoRA: a magnitude per output row and a LoRA update of the direction.</summary>
    Dora,
    /// <summary>Half of every layer's parameters train per round, redrawn each round; the rest stay at their pre-trained values.</summary>
    HalfFineTuning,
}

/// <summary>What a run learns to produce.</summary>
public enum FineTuneTask
{
    /// <summary>Next-token loss on the labelled tokens (instruction tuning, continued pre-training).</summary>
    CausalLanguageModel,
    /// <summary>A class per example from a linear head on the last token's hidden state.</summary>
    SequenceClassification,
}

/// <summary>What to do with an example longer than the sequence length the run allows.</summary>
public enum OverlongPolicy
{
    /// <summary>Stop before training, naming the example.</summary>
    Reject,
    /// <summary>Keep its first tokens (a classification example keeps its last token's position at the cut).</summary>
    Truncate,
}

public static class FineTuneMethods
{
    public static bool UsesAdapter(this FineTuneMethod method) => method is FineTuneMethod.Lora or FineTuneMethod.Qlora or FineTuneMethod.Dora;

    /// <summary>The names used on the command line, in job requests and in reports.</summary>
    public static string Name(this FineTuneMethod method) => method switch
    {
        FineTuneMethod.Full => "full",
        FineTuneMethod.Lora => "lora",
        FineTuneMethod.Qlora => "qlora",
        FineTuneMethod.Dora => "dora",
        FineTuneMethod.HalfFineTuning => "hft",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static FineTuneMethod Parse(string name)
    {
        var methods = Enum.GetValues<FineTuneMethod>();
        foreach (var method in methods)
            if (method.Name() == name.Trim().ToLowerInvariant()) return method;
        throw new ArgumentException($"Unknown fine-tuning method '{name}'; use one of {string.Join(", ", methods.Select(m => m.Name()))}.", "method");
    }
}
