using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Models.Methods;

namespace FineTune.Models.FineTuning;

/// <summary>
/// How many values a run's optimizer updates, known from the model's shape and the settings alone —
/// before a weight is loaded — so a job can be sized (<see cref="MemoryEstimate"/>) before it starts.
/// It counts what <see cref="FineTuner"/> trains: every weight (full), Half Fine-Tuning's first
/// round, or the adapter's A, B and DoRA magnitudes; plus a classification head when there is one.
/// </summary>
public static class TrainableParameters
{
    /// <summary>Values the optimizer updates, the classification head included.</summary>
    public static long Count(LlamaConfig config, FineTuneOptions options) => InModelOrAdapter(config, options) + InHead(config, options);

    /// <summary>The classification head's weights (K, C); 0 for a language-model run.</summary>
    public static long InHead(LlamaConfig config, FineTuneOptions options) =>
        options.Task == FineTuneTask.SequenceClassification ? (long)options.Classes.Count * config.HiddenSize : 0;

    /// <summary>The trained values of the model's own buffer, or of the adapter's.</summary>
    public static long InModelOrAdapter(LlamaConfig config, FineTuneOptions options)
    {
        if (options.Method.UsesAdapter()) return Adapter(config, options.AdapterConfig());
        var layout = new ParameterLayout(config);
        var half = options.Method == FineTuneMethod.HalfFineTuning ? HalfFineTuning.Round(layout, options.Seed, round: 0) : null;
        // as the trainer does: a classification run leaves an untied LM head out of training
        var unusedHead = options.Task == FineTuneTask.SequenceClassification && layout.LmHead != layout.Embedding ? layout.LmHead : null;
        return layout.All.Where(t => (half is null || half(t)) && t != unusedHead).Sum(t => (long)t.Length);
    }

    /// <summary>A (r, in) and B (out, r) per adapted module, and DoRA's magnitude (out).</summary>
    private static long Adapter(LlamaConfig config, LoraAdapterConfig adapter) =>
        LoraTargets.Sites(config, adapter.TargetModules)
            .Sum(site => (long)adapter.Rank * (site.Inputs + site.Outputs) + (adapter.UseDora ? site.Outputs : 0));
}
