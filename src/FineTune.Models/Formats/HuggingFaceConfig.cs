using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FineTune.Models.Formats;

/// <summary>
/// Reads Hugging Face's <c>config.json</c> for the Llama family into a <see cref="LlamaConfig"/>, and
/// writes one that <c>transformers</c> loads. Anything the engine does not implement (RoPE scaling,
/// sliding-window attention, MLP biases, other activations) is refused with the field named, never
/// silently ignored: a model run without its scaling would load fine and produce worse text.
/// </summary>
public static class HuggingFaceConfig
{
    public const string FileName = "config.json";

    /// <summary>Where a model type's q, k, v biases come from: never there, Llama's <c>attention_bias</c>, or always there.</summary>
    private enum QkvBiasSource { Never, AttentionBiasField, Always }

    /// <summary>What differs between the supported types, with the defaults <c>transformers</c> applies when a field is absent.</summary>
    private sealed record ModelType(string Name, string Architecture, int DefaultMaxPositions, QkvBiasSource QkvBias);

    private static readonly ModelType[] ModelTypes =
    [
        new("llama", "LlamaForCausalLM", 2048, QkvBiasSource.AttentionBiasField),
        new("mistral", "MistralForCausalLM", 4096 * 32, QkvBiasSource.Never),
        new("qwen2", "Qwen2ForCausalLM", 32768, QkvBiasSource.Always),
    ];

    private const double DefaultRmsNormEps = 1e-6;   // transformers' default for all three types
    private const double DefaultRopeTheta = 10000.0;
    private const int MistralDefaultSlidingWindow = 4096;

    public static LlamaConfig Read(string path) => Parse(File.ReadAllText(path), path);

    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="ModelFormatException">A field is missing, mistyped, inconsistent or unsupported.</exception>
    public static LlamaConfig Parse(string json, string source = FileName)
    {
        var fields = JsonObjectReader.Parse(json, source);

        var modelTypeName = fields.OptionalString("model_type") ?? throw fields.Error("model_type", "is required but missing");
        var type = ModelTypes.FirstOrDefault(t => t.Name == modelTypeName)
            ?? throw fields.Error("model_type",
                $"\"{modelTypeName}\" is not supported; expected one of {string.Join(", ", ModelTypes.Select(t => t.Name))}");

        CheckArchitectures(fields, type);
        CheckActivation(fields);
        CheckNoMlpBias(fields);
        CheckNoRopeScaling(fields);
        CheckNoSlidingWindow(fields, type);

        var heads = fields.RequiredInt("num_attention_heads");
        var maxPositions = fields.OptionalInt("max_position_embeddings") ?? type.DefaultMaxPositions;
        var config = new LlamaConfig
        {
            ModelType = type.Name,
            VocabSize = fields.RequiredInt("vocab_size"),
            HiddenSize = fields.RequiredInt("hidden_size"),
            IntermediateSize = fields.RequiredInt("intermediate_size"),
            NumLayers = fields.RequiredInt("num_hidden_layers"),
            NumHeads = heads,
            NumKeyValueHeads = fields.OptionalInt("num_key_value_heads") ?? heads,
            ExplicitHeadDim = fields.OptionalInt("head_dim"),
            RmsNormEps = (float)(fields.OptionalDouble("rms_norm_eps") ?? DefaultRmsNormEps),
            RopeTheta = ReadRopeTheta(fields),
            MaxPositionEmbeddings = maxPositions,
            TieWordEmbeddings = fields.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = type.QkvBias switch
            {
                QkvBiasSource.Always => true,
                QkvBiasSource.AttentionBiasField => fields.OptionalBool("attention_bias") ?? false,
                _ => false,
            },
            BosTokenId = fields.OptionalInt("bos_token_id"),
            EosTokenId = fields.IntOrIntList("eos_token_id") is [var first, ..] ? first : null,
        };

        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(source, e.ParamName, e.Message);
        }
        return config;
    }

    public static void Write(string path, LlamaConfig config, SafetensorsDtype torchDtype = SafetensorsDtype.F32) =>
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson(config, torchDtype)));

    /// <summary>The config as <c>transformers</c> writes it: keys in alphabetical order, indented.</summary>
    /// <exception cref="ArgumentException">The config is inconsistent or cannot be expressed for its model type.</exception>
    public static string ToJson(LlamaConfig config, SafetensorsDtype torchDtype = SafetensorsDtype.F32)
    {
        config.Validate();
        var type = ModelTypes.FirstOrDefault(t => t.Name == config.ModelType)
            ?? throw new ArgumentException($"model type \"{config.ModelType}\" cannot be written.", nameof(config));
        if (type.QkvBias == QkvBiasSource.Always && !config.QkvBias)
            throw new ArgumentException($"{type.Name} always has q, k and v biases; QkvBias must be true.", nameof(config));
        if (type.QkvBias == QkvBiasSource.Never && config.QkvBias)
            throw new ArgumentException($"{type.Name} has no q, k and v biases; QkvBias must be false.", nameof(config));
        var llama = type.Name == "llama";

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue(type.Architecture);
            json.WriteEndArray();
            if (type.QkvBias == QkvBiasSource.AttentionBiasField) json.WriteBoolean("attention_bias", config.QkvBias);
            json.WriteNumber("attention_dropout", 0.0);
            if (config.BosTokenId is { } bos) json.WriteNumber("bos_token_id", bos);
            if (config.EosTokenId is { } eos) json.WriteNumber("eos_token_id", eos);
            if (config.ExplicitHeadDim is { } headDim) json.WriteNumber("head_dim", headDim);
            json.WriteString("hidden_act", "silu");
            json.WriteNumber("hidden_size", config.HiddenSize);
            json.WriteNumber("initializer_range", 0.02);
            json.WriteNumber("intermediate_size", config.IntermediateSize);
            json.WriteNumber("max_position_embeddings", config.MaxPositionEmbeddings);
            if (llama) json.WriteBoolean("mlp_bias", false);
            json.WriteString("model_type", type.Name);
            json.WriteNumber("num_attention_heads", config.NumHeads);
            json.WriteNumber("num_hidden_layers", config.NumLayers);
            json.WriteNumber("num_key_value_heads", config.NumKeyValueHeads);
            if (llama) json.WriteNumber("pretraining_tp", 1);
            json.WriteNumber("rms_norm_eps", ShortestDouble(config.RmsNormEps));
            json.WriteNull("rope_scaling");
            json.WriteNumber("rope_theta", config.RopeTheta);
            if (!llama) json.WriteNull("sliding_window");
            json.WriteBoolean("tie_word_embeddings", config.TieWordEmbeddings);
            json.WriteString("torch_dtype", torchDtype.TorchName());
            json.WriteBoolean("use_cache", true);
            if (type.Name == "qwen2") json.WriteBoolean("use_sliding_window", false);
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The double nearest the float's shortest decimal form: 1e-5f is written 1E-05, not 9.99999974737875E-06.</summary>
    private static double ShortestDouble(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void CheckArchitectures(JsonObjectReader fields, ModelType type)
    {
        var architectures = fields.OptionalStringList("architectures");
        if (architectures is null or []) return;
        if (!architectures.Contains(type.Architecture))
            throw fields.Error("architectures",
                $"[{string.Join(", ", architectures)}] is not supported for model_type \"{type.Name}\"; expected {type.Architecture}");
    }

    private static void CheckActivation(JsonObjectReader fields)
    {
        var activation = fields.OptionalString("hidden_act") ?? "silu";
        if (activation != "silu")
            throw fields.Error("hidden_act", $"\"{activation}\" is not supported; only \"silu\" (SwiGLU) is implemented");
    }

    private static void CheckNoMlpBias(JsonObjectReader fields)
    {
        if (fields.OptionalBool("mlp_bias") == true)
            throw fields.Error("mlp_bias", "true is not supported; the MLP projections are implemented without biases");
    }

    private static void CheckNoRopeScaling(JsonObjectReader fields)
    {
        if (fields.OptionalObject("rope_scaling") is not { } scaling) return;
        // {"rope_type": "default"} spells "no scaling" explicitly; any other type changes the model's maths.
        var ropeType = scaling.OptionalString("rope_type") ?? scaling.OptionalString("type");
        if (ropeType != "default")
            throw fields.Error("rope_scaling",
                $"RoPE scaling of type \"{ropeType ?? "(none given)"}\" is not supported; only unscaled rotary embeddings are implemented");
    }

    /// <summary><c>rope_theta</c>, or <c>rope_parameters.rope_theta</c> as newer <c>transformers</c> writes it.</summary>
    private static double ReadRopeTheta(JsonObjectReader fields)
    {
        if (fields.OptionalObject("rope_parameters") is { } parameters)
        {
            var ropeType = parameters.OptionalString("rope_type") ?? "default";
            if (ropeType != "default")
                throw parameters.Error("rope_type", $"RoPE of type \"{ropeType}\" is not supported; only unscaled rotary embeddings are implemented");
            if (parameters.OptionalDouble("rope_theta") is { } nested) return nested;
        }
        return fields.OptionalDouble("rope_theta") ?? DefaultRopeTheta;
    }

    private static void CheckNoSlidingWindow(JsonObjectReader fields, ModelType type)
    {
        int? window = type.Name switch
        {
            // transformers' MistralConfig defaults sliding_window to 4096 when the field is absent (null means none).
            "mistral" => fields.IsPresent("sliding_window") ? fields.OptionalInt("sliding_window") : MistralDefaultSlidingWindow,
            // Qwen2 reads sliding_window only when use_sliding_window is set.
            "qwen2" => fields.OptionalBool("use_sliding_window") == true ? fields.OptionalInt("sliding_window") : null,
            _ => null,
        };
        if (window is null) return;
        var maxPositions = fields.OptionalInt("max_position_embeddings") ?? type.DefaultMaxPositions;
        if (window < maxPositions)
            throw fields.Error("sliding_window",
                $"a window of {window} tokens (below max_position_embeddings {maxPositions}) is not supported; sliding-window attention is not implemented");
    }
}
