using FineTune.Engine.Adapters;
using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>Folds an adapter into a copy of its base model, for serving without the adapter's extra products.</summary>
public static class AdapterMerge
{
    /// <summary>W' = W0 + s·B·A for LoRA; W' = m ⊙ (W0 + s·B·A) / ‖·‖ per output row for DoRA. The base is left as it was.</summary>
    public static LlamaModel Merge(LlamaModel baseModel, AdapterParameters adapter)
    {
        var merged = new LlamaModel(baseModel.Config, (float[])baseModel.Parameters.Clone());
        var rank = adapter.Config.Rank;
        foreach (var m in adapter.Modules)
        {
            var weight = merged[merged.Layout[m.Path + ".weight"]];
            var w0 = weight.ToArray();
            if (adapter.Config.UseDora)
                DoraLinear.Merge(w0, adapter.A(m, adapter.Values), adapter.B(m, adapter.Values), adapter.Magnitude(m, adapter.Values),
                    adapter.Config.Scale, weight, m.Inputs, m.Outputs, rank);
            else
                LoraLinear.Merge(w0, adapter.A(m, adapter.Values), adapter.B(m, adapter.Values), adapter.Config.Scale, weight, m.Inputs, m.Outputs, rank);
        }
        return merged;
    }
}
