using FineTune.Engine.Layers;
using FineTune.Models.Llama;

namespace FineTune.Models.Adapters;

/// <summary>How far a merged model's logits are from the base-plus-adapter model it was merged from.</summary>
public static class MergeCheck
{
    public readonly record struct LogitShift(double Max, double Mean);

    /// <param name="quantized">QLoRA: the 4-bit base the adapter was trained on (the merged model holds its dequantized weights).</param>
    public static LogitShift Measure(LlamaModel baseModel, AdapterParameters adapter, QuantizedBase? quantized, LlamaModel merged, int[] tokens)
    {
        var adapted = new TrainingPass(baseModel, 1, tokens.Length, adapter, quantizedBase: quantized);
        adapted.SetDropout(false);
        var ignored = Enumerable.Repeat(CrossEntropy.IgnoreIndex, tokens.Length).ToArray();
        adapted.Forward(tokens, ignored);
        var plain = new TrainingPass(merged, 1, tokens.Length);
        plain.Forward(tokens, ignored);
        double max = 0, sum = 0;
        var a = adapted.Logits;
        var b = plain.Logits;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs((double)a[i] - b[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        return new LogitShift(max, sum / a.Length);
    }
}
