using System.Text.Json;
using FineTune.Engine.Adapters;
using System.Text.Json.Nodes;

namespace FineTune.Models.Adapters;

/// <summary>
/// A LoRA or DoRA adapter's settings, stored as PEFT's <c>adapter_config.json</c> so adapters move
/// between this platform and the Python ecosystem.
/// </summary>
public sealed record LoraAdapterConfig
{
    public const string FileName = "adapter_config.json";

    public required int Rank { get; init; }
    public required double Alpha { get; init; }
    public double Dropout { get; init; }
    /// <summary>PEFT module names (q_proj …); see <see cref="LoraTargets"/>.</summary>
    public required IReadOnlyList<string> TargetModules { get; init; }
    /// <summary>rsLoRA: scale by alpha / √rank instead of alpha / rank.</summary>
    public bool UseRsLora { get; init; }
    public bool UseDora { get; init; }
    /// <summary>The base model the adapter was trained on (a name or a folder), checked when it is loaded.</summary>
    public string? BaseModel { get; init; }

    public float Scale => LoraScale.Of((float)Alpha, Rank, UseRsLora);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting, before anything trains.</summary>
    public void Validate()
    {
        // parameter names are PEFT's field names, so an error reads the same for a config file and for code
        if (Rank <= 0) throw new ArgumentException($"LoRA rank must be positive, got {Rank}.", "r");
        if (!(Alpha > 0)) throw new ArgumentException($"LoRA alpha must be positive, got {Alpha}.", "lora_alpha");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) throw new ArgumentException($"LoRA dropout must be in [0, 1), got {Dropout}.", "lora_dropout");
        if (TargetModules.Count == 0) throw new ArgumentException("LoRA needs at least one target module.", "target_modules");
        foreach (var module in TargetModules)
        {
            string normalized;
            try { normalized = LoraTargets.Normalize(module); }
            catch (ArgumentException e) { throw new ArgumentException(e.Message, "target_modules"); }
            if (normalized != module)
                throw new ArgumentException($"Target module '{module}' must be given by its PEFT name ({normalized}).", "target_modules");
        }
    }

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = BaseModel,
            ["r"] = Rank,
            ["lora_alpha"] = Alpha,
            ["lora_dropout"] = Dropout,
            ["target_modules"] = new JsonArray(TargetModules.Select(m => (JsonNode)m!).ToArray()),
            ["use_rslora"] = UseRsLora,
            ["use_dora"] = UseDora,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["init_lora_weights"] = true,
            ["inference_mode"] = true,
            ["modules_to_save"] = null,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads PEFT's adapter_config.json; settings this platform cannot honour are errors naming the field.</summary>
    public static LoraAdapterConfig Parse(string json, string source = FileName)
    {
        JsonNode root;
        try { root = JsonNode.Parse(json) ?? throw new JsonException("empty document"); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON ({e.Message})."); }

        T Field<T>(string name, T fallback)
        {
            var node = root[name];
            if (node is null) return fallback;
            try { return node.GetValue<T>(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            { throw new InvalidDataException($"{source}: field '{name}' has the wrong type ({node.ToJsonString()})."); }
        }
        void Require(bool condition, string field, string problem)
        {
            if (!condition) throw new InvalidDataException($"{source}: field '{field}' {problem}.");
        }

        Require(Field("peft_type", "LORA") == "LORA", "peft_type", $"is '{Field("peft_type", "")}'; only LORA adapters (with or without DoRA) are supported");
        Require(Field("bias", "none") == "none", "bias", "must be 'none' (trained biases are not supported)");
        Require(!Field("fan_in_fan_out", false), "fan_in_fan_out", "must be false (Llama's linear layers store (out, in))");
        Require(root["modules_to_save"] is null, "modules_to_save", "must be null (fully trained extra modules are not supported)");
        var targets = root["target_modules"] switch
        {
            JsonArray array => array.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue value when value.TryGetValue<string>(out var one) => [one],
            _ => throw new InvalidDataException($"{source}: field 'target_modules' must be a list of module names."),
        };
        var config = new LoraAdapterConfig
        {
            Rank = Field("r", 0),
            Alpha = Field("lora_alpha", 0.0),
            Dropout = Field("lora_dropout", 0.0),
            TargetModules = targets,
            UseRsLora = Field("use_rslora", false),
            UseDora = Field("use_dora", false),
            BaseModel = Field<string?>("base_model_name_or_path", null),
        };
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: field '{e.ParamName}': {e.Message}"); }
        return config;
    }
}
