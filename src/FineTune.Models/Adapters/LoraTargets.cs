namespace FineTune.Models.Adapters;

/// <summary>
/// The linear layers of a Llama block an adapter can sit on, under PEFT's module names. Users may
/// name them short (q, k, v, o, gate, up, down) or as PEFT does (q_proj … down_proj).
/// </summary>
public static class LoraTargets
{
    public static readonly IReadOnlyList<string> All = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>PEFT's name for a short or PEFT name; throws naming the unknown one and the choices.</summary>
    public static string Normalize(string name)
    {
        var peft = name.EndsWith("_proj", StringComparison.Ordinal) ? name : name + "_proj";
        return All.Contains(peft) ? peft
            : throw new ArgumentException($"Unknown LoRA target module '{name}'; choose from q, k, v, o, gate, up, down (or their _proj names).", nameof(name));
    }

    /// <summary>"self_attn" or "mlp": where the module sits inside a decoder layer.</summary>
    public static string Block(string module) => module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn";

    /// <summary>The Hugging Face path of a module, e.g. model.layers.3.self_attn.q_proj.</summary>
    public static string ModulePath(int layer, string module) => $"model.layers.{layer}.{Block(module)}.{module}";

    /// <summary>One projection of one layer: where it is and its weight's (out, in).</summary>
    public readonly record struct Site(int Layer, string Module, string Path, int Outputs, int Inputs);

    /// <summary>Every layer's <paramref name="modules"/>, layer by layer, in the order given.</summary>
    public static IEnumerable<Site> Sites(LlamaConfig config, IEnumerable<string> modules)
    {
        var list = modules.ToList();
        for (var layer = 0; layer < config.NumLayers; layer++)
            foreach (var module in list)
            {
                var (outputs, inputs) = Shape(config, module);
                yield return new Site(layer, module, ModulePath(layer, module), outputs, inputs);
            }
    }

    /// <summary>(out, in) of a module's weight for this config.</summary>
    public static (int Out, int In) Shape(LlamaConfig config, string module)
    {
        int c = config.HiddenSize, q = config.NumHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, i = config.IntermediateSize;
        return module switch
        {
            "q_proj" => (q, c),
            "k_proj" or "v_proj" => (kv, c),
            "o_proj" => (c, q),
            "gate_proj" or "up_proj" => (i, c),
            "down_proj" => (c, i),
            _ => throw new ArgumentException($"Unknown module '{module}'.", nameof(module)),
        };
    }
}
