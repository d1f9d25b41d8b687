using FineTune.Engine.Adapters;
using FineTune.Models.Llama;
using FineTune.Models.Formats;

namespace FineTune.Models.Adapters;

/// <summary>One adapted linear layer: A (r, in), B (out, r), and for DoRA the magnitude (out).</summary>
public sealed record LoraModuleWeights(float[] A, float[] B, float[]? Magnitude);

/// <summary>
/// A LoRA/DoRA adapter: its config and the weights of every adapted module, keyed by Hugging Face
/// module path (model.layers.3.self_attn.q_proj). Saved and loaded as PEFT does:
/// <c>adapter_config.json</c> + <c>adapter_model.safetensors</c> with tensors named
/// <c>base_model.model.&lt;path&gt;.lora_A.weight</c>, <c>.lora_B.weight</c> and, for DoRA,
/// <c>.lora_magnitude_vector</c>.
/// </summary>
public sealed class LoraAdapter
{
    public const string WeightsFileName = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    public LoraAdapter(LoraAdapterConfig config, LlamaConfig baseConfig, IReadOnlyDictionary<string, LoraModuleWeights> modules)
    {
        config.Validate();
        Config = config;
        Modules = modules;
        CheckAgainst(baseConfig);
    }

    public LoraAdapterConfig Config { get; }
    public IReadOnlyDictionary<string, LoraModuleWeights> Modules { get; }

    /// <summary>Parameters the adapter trains (A, B and magnitudes).</summary>
    public long ParameterCount => Modules.Values.Sum(m => (long)m.A.Length + m.B.Length + (m.Magnitude?.Length ?? 0));

    /// <summary>
    /// A fresh adapter for every target module of every layer: A Kaiming-uniform as PEFT initialises it
    /// (bound 1/√in), B zero — so the adapted model starts equal to the base — and, for DoRA, the
    /// magnitude set by <paramref name="baseRowNorms"/> (‖W0‖ per output row; null for LoRA).
    /// </summary>
    public static LoraAdapter Create(LoraAdapterConfig config, LlamaConfig baseConfig, int seed,
        Func<string, float[]>? baseRowNorms = null)
    {
        config.Validate();
        if (config.UseDora && baseRowNorms is null) throw new ArgumentException("DoRA needs the base weights' row norms to start from.", nameof(baseRowNorms));
        var random = new Random(seed);
        var modules = new SortedDictionary<string, LoraModuleWeights>(StringComparer.Ordinal);
        foreach (var site in LoraTargets.Sites(baseConfig, config.TargetModules))
        {
            float[] a = new float[config.Rank * site.Inputs], b = new float[site.Outputs * config.Rank];
            AdapterInit.InitializeLora(a, b, site.Inputs, random);
            modules[site.Path] = new LoraModuleWeights(a, b, config.UseDora ? baseRowNorms!(site.Path) : null);
        }
        return new LoraAdapter(config, baseConfig, modules);
    }

    /// <summary>A fresh adapter for <paramref name="model"/>; for DoRA the magnitudes start at its weights' row norms.</summary>
    public static LoraAdapter CreateFor(LlamaModel model, LoraAdapterConfig config, int seed) =>
        Create(config, model.Config, seed, config.UseDora ? path => RowNorms(model, path) : null);

    /// <summary>‖W0‖ per output row of the projection at <paramref name="path"/>.</summary>
    private static float[] RowNorms(LlamaModel model, string path)
    {
        var (outputs, inputs) = LoraTargets.Shape(model.Config, path.Split('.')[^1]);
        var norms = new float[outputs];
        DoraLinear.InitializeMagnitude(norms, model[model.Layout[path + ".weight"]], inputs, outputs);
        return norms;
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, LoraAdapterConfig.FileName), Config.ToJson());
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        foreach (var (path, weights) in Modules)
        {
            var outputs = weights.B.Length / Config.Rank;
            tensors.Add(($"{Prefix}{path}.lora_A.weight", [Config.Rank, weights.A.Length / Config.Rank], weights.A));
            tensors.Add(($"{Prefix}{path}.lora_B.weight", [outputs, Config.Rank], weights.B));
            if (weights.Magnitude is { } m) tensors.Add(($"{Prefix}{path}.lora_magnitude_vector", [m.Length], m));
        }
        SafetensorsWriter.Write(Path.Combine(folder, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>
    /// Reads a PEFT adapter folder and checks it fits <paramref name="baseConfig"/> — every module,
    /// every shape — before anything runs. Errors name the file and the tensor.
    /// </summary>
    /// <param name="baseModel">The base model's name; when both it and the adapter's base_model_name_or_path are known they must agree.</param>
    public static LoraAdapter Load(string folder, LlamaConfig baseConfig, string? baseModel = null)
    {
        var configPath = Path.Combine(folder, LoraAdapterConfig.FileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{folder} is not a PEFT adapter: it has no {LoraAdapterConfig.FileName}.", configPath);
        var config = LoraAdapterConfig.Parse(File.ReadAllText(configPath), configPath);
        if (baseModel is not null && config.BaseModel is not null && config.BaseModel != baseModel)
            throw new ModelFormatException(configPath, "base_model_name_or_path", $"the adapter was trained on '{config.BaseModel}', not on '{baseModel}'");
        var weightsPath = Path.Combine(folder, WeightsFileName);
        using var file = SafetensorsFile.Open(weightsPath);
        var modules = new SortedDictionary<string, LoraModuleWeights>(StringComparer.Ordinal);
        foreach (var name in file.Tensors.Keys)
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(".lora_A.weight", StringComparison.Ordinal)) continue;
            var path = name[Prefix.Length..^".lora_A.weight".Length];
            var bName = $"{Prefix}{path}.lora_B.weight";
            var mName = $"{Prefix}{path}.lora_magnitude_vector";
            if (!file.Tensors.ContainsKey(bName)) throw new ModelFormatException(weightsPath, bName, "lora_A has no matching lora_B");
            if (config.UseDora && !file.Tensors.ContainsKey(mName)) throw new ModelFormatException(weightsPath, mName, "use_dora is set but the magnitude vector is missing");
            modules[path] = new LoraModuleWeights(file.ReadFloat32(name), file.ReadFloat32(bName), config.UseDora ? file.ReadFloat32(mName) : null);
        }
        try { return new LoraAdapter(config, baseConfig, modules); }
        catch (ArgumentException e) { throw new ModelFormatException(weightsPath, null, e.Message); }
    }

    /// <summary>Throws when a module is not one the config targets, missing, or shaped for another model.</summary>
    private void CheckAgainst(LlamaConfig baseConfig)
    {
        var expected = LoraTargets.Sites(baseConfig, Config.TargetModules).ToDictionary(site => site.Path);
        foreach (var path in Modules.Keys)
            if (!expected.ContainsKey(path))
                throw new ArgumentException($"The adapter has weights for '{path}', which is not a {string.Join("/", Config.TargetModules)} layer of this {baseConfig.NumLayers}-layer model.");
        foreach (var (path, site) in expected)
        {
            if (!Modules.TryGetValue(path, out var weights)) throw new ArgumentException($"The adapter has no weights for '{path}'.");
            Check(weights.A.Length == Config.Rank * site.Inputs, path, "lora_A", $"({Config.Rank}, {site.Inputs})", weights.A.Length);
            Check(weights.B.Length == site.Outputs * Config.Rank, path, "lora_B", $"({site.Outputs}, {Config.Rank})", weights.B.Length);
            if (Config.UseDora) Check(weights.Magnitude?.Length == site.Outputs, path, "lora_magnitude_vector", $"({site.Outputs})", weights.Magnitude?.Length ?? 0);
        }
    }

    private static void Check(bool ok, string path, string tensor, string shape, int actual)
    {
        if (!ok) throw new ArgumentException($"{path}.{tensor} holds {actual} values; the base model needs shape {shape}. Was the adapter trained on another base model?");
    }
}
