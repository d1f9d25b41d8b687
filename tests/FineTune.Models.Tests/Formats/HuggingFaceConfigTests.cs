using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Models.Formats;

namespace FineTune.Models.Tests.Formats;

public sealed class HuggingFaceConfigTests
{
    // Field values as published for HuggingFaceTB/SmolLM2-135M.
    private const string SmolLm2 = """
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 0,
          "eos_token_id": 0,
          "hidden_act": "silu",
          "hidden_size": 576,
          "initializer_range": 0.041666666666666664,
          "intermediate_size": 1536,
          "is_llama_config": true,
          "max_position_embeddings": 8192,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": 9,
          "num_hidden_layers": 30,
          "num_key_value_heads": 3,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_interleaved": false,
          "rope_scaling": null,
          "rope_theta": 100000,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.42.3",
          "use_cache": true,
          "vocab_size": 49152
        }
        """;

    // Field values as published for Qwen/Qwen2.5-0.5B.
    private const string Qwen25 = """
        {
          "architectures": ["Qwen2ForCausalLM"],
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "eos_token_id": 151643,
          "hidden_act": "silu",
          "hidden_size": 896,
          "initializer_range": 0.02,
          "intermediate_size": 4864,
          "max_position_embeddings": 32768,
          "max_window_layers": 24,
          "model_type": "qwen2",
          "num_attention_heads": 14,
          "num_hidden_layers": 24,
          "num_key_value_heads": 2,
          "rms_norm_eps": 1e-06,
          "rope_theta": 1000000.0,
          "sliding_window": 32768,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.40.1",
          "use_cache": true,
          "use_mrope": false,
          "use_sliding_window": false,
          "vocab_size": 151936
        }
        """;

    // Field values as published for mistralai/Mistral-7B-v0.3 (no sliding window).
    private const string Mistral = """
        {
          "architectures": ["MistralForCausalLM"],
          "attention_dropout": 0.0,
          "bos_token_id": 1,
          "eos_token_id": 2,
          "hidden_act": "silu",
          "hidden_size": 4096,
          "initializer_range": 0.02,
          "intermediate_size": 14336,
          "max_position_embeddings": 32768,
          "model_type": "mistral",
          "num_attention_heads": 32,
          "num_hidden_layers": 32,
          "num_key_value_heads": 8,
          "rms_norm_eps": 1e-05,
          "rope_theta": 1000000.0,
          "sliding_window": null,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "use_cache": true,
          "vocab_size": 32768
        }
        """;

    [Fact]
    public void ReadsSmolLm2()
    {
        var config = HuggingFaceConfig.Parse(SmolLm2);

        Assert.Equal(new LlamaConfig
        {
            ModelType = "llama", VocabSize = 49152, HiddenSize = 576, IntermediateSize = 1536, NumLayers = 30,
            NumHeads = 9, NumKeyValueHeads = 3, RmsNormEps = 1e-5f, RopeTheta = 100000, MaxPositionEmbeddings = 8192,
            TieWordEmbeddings = true, QkvBias = false, BosTokenId = 0, EosTokenId = 0,
        }, config);
        Assert.Equal(64, config.HeadDim);
    }

    [Fact]
    public void ReadsQwen25WithItsAlwaysPresentQkvBias()
    {
        var config = HuggingFaceConfig.Parse(Qwen25);

        Assert.Equal(new LlamaConfig
        {
            ModelType = "qwen2", VocabSize = 151936, HiddenSize = 896, IntermediateSize = 4864, NumLayers = 24,
            NumHeads = 14, NumKeyValueHeads = 2, RmsNormEps = 1e-6f, RopeTheta = 1e6, MaxPositionEmbeddings = 32768,
            TieWordEmbeddings = true, QkvBias = true, BosTokenId = 151643, EosTokenId = 151643,
        }, config);
    }

    [Fact]
    public void ReadsMistralWithoutASlidingWindow()
    {
        var config = HuggingFaceConfig.Parse(Mistral);

        Assert.Equal("mistral", config.ModelType);
        Assert.Equal(8, config.NumKeyValueHeads);
        Assert.Equal(1e6, config.RopeTheta);
        Assert.False(config.QkvBias);
        Assert.Equal(2, config.EosTokenId);
    }

    [Fact]
    public void AppliesTransformersDefaultsForAbsentOptionalFields()
    {
        var json = Edit(SmolLm2, o =>
        {
            foreach (var field in new[] { "num_key_value_heads", "rope_theta", "rms_norm_eps", "tie_word_embeddings",
                         "hidden_act", "max_position_embeddings", "bos_token_id", "eos_token_id", "architectures" })
                o.Remove(field);
        });

        var config = HuggingFaceConfig.Parse(json);

        Assert.Equal(9, config.NumKeyValueHeads); // one kv head per head
        Assert.Equal(10000.0, config.RopeTheta);
        Assert.Equal(1e-6f, config.RmsNormEps);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal(2048, config.MaxPositionEmbeddings);
        Assert.Null(config.BosTokenId);
        Assert.Null(config.EosTokenId);
    }

    [Fact]
    public void AcceptsAnEosListTakingTheFirstAnExplicitHeadDimAndLlamaAttentionBias()
    {
        var config = HuggingFaceConfig.Parse(Edit(SmolLm2, o =>
        {
            o["eos_token_id"] = new JsonArray(128001, 128008, 128009);
            o["head_dim"] = 32;
            o["attention_bias"] = true;
        }));

        Assert.Equal(128001, config.EosTokenId);
        Assert.Equal(32, config.HeadDim);
        Assert.True(config.QkvBias);
    }

    [Fact]
    public void AcceptsRopeSettingsThatMeanNoScaling()
    {
        Assert.Equal(100000, HuggingFaceConfig.Parse(Edit(SmolLm2, o => o["rope_scaling"] = new JsonObject { ["rope_type"] = "default" })).RopeTheta);
        var newStyle = Edit(SmolLm2, o =>
        {
            o.Remove("rope_theta");
            o["rope_parameters"] = new JsonObject { ["rope_type"] = "default", ["rope_theta"] = 500000.0 };
        });
        Assert.Equal(500000, HuggingFaceConfig.Parse(newStyle).RopeTheta);
    }

    [Fact]
    public void MistralHasNoQkvBiasWhateverAttentionBiasSays()
    {
        // MistralConfig has no attention_bias: transformers builds its projections without bias regardless.
        Assert.False(HuggingFaceConfig.Parse(Edit(Mistral, o => o["attention_bias"] = true)).QkvBias);
    }

    [Fact]
    public void AcceptsASlidingWindowThatCoversTheWholeContext()
    {
        var config = HuggingFaceConfig.Parse(Edit(Mistral, o => o["sliding_window"] = 32768));
        Assert.Equal(32768, config.MaxPositionEmbeddings);
    }

    public static TheoryData<string, string, string> Rejections() => new()
    {
        // (config, field the error names, text the message contains)
        { Edit(SmolLm2, o => o["rope_scaling"] = JsonNode.Parse("""{"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}""")), "rope_scaling", "llama3" },
        { Edit(SmolLm2, o => o["rope_scaling"] = JsonNode.Parse("""{"type": "linear", "factor": 2.0}""")), "rope_scaling", "linear" },
        { Edit(SmolLm2, o => o["rope_scaling"] = JsonNode.Parse("""{"factor": 2.0}""")), "rope_scaling", "not supported" },
        { Edit(SmolLm2, o => o["rope_scaling"] = "dynamic"), "rope_scaling", "must be an object" },
        { Edit(SmolLm2, o => o["rope_parameters"] = JsonNode.Parse("""{"rope_type": "yarn", "factor": 4.0}""")), "rope_parameters.rope_type", "yarn" },
        { Edit(SmolLm2, o => o["mlp_bias"] = true), "mlp_bias", "not supported" },
        { Edit(SmolLm2, o => o["hidden_act"] = "gelu"), "hidden_act", "gelu" },
        { Edit(Mistral, o => o["sliding_window"] = 4096), "sliding_window", "4096" },
        { Edit(Mistral, o => o.Remove("sliding_window")), "sliding_window", "4096" }, // transformers' default window
        { Edit(Qwen25, o => { o["use_sliding_window"] = true; o["sliding_window"] = 4096; }), "sliding_window", "sliding-window" },
        { Edit(SmolLm2, o => o["model_type"] = "gemma"), "model_type", "gemma" },
        { Edit(SmolLm2, o => o.Remove("model_type")), "model_type", "missing" },
        { Edit(SmolLm2, o => o["architectures"] = new JsonArray("LlamaForSequenceClassification")), "architectures", "LlamaForCausalLM" },
        { Edit(SmolLm2, o => o.Remove("hidden_size")), "hidden_size", "missing" },
        { Edit(SmolLm2, o => o.Remove("vocab_size")), "vocab_size", "missing" },
        { Edit(SmolLm2, o => o.Remove("num_hidden_layers")), "num_hidden_layers", "missing" },
        { Edit(SmolLm2, o => o["hidden_size"] = "576"), "hidden_size", "integer" },
        { Edit(SmolLm2, o => o["intermediate_size"] = 1536.5), "intermediate_size", "integer" },
        { Edit(SmolLm2, o => o["tie_word_embeddings"] = 1), "tie_word_embeddings", "true or false" },
        { Edit(SmolLm2, o => o["num_key_value_heads"] = 4), "num_key_value_heads", "divide" },
        { Edit(SmolLm2, o => o["vocab_size"] = 0), "vocab_size", "positive" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void RejectsWhatTheEngineCannotRunNamingTheField(string json, string field, string expectedText)
    {
        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.Parse(json, "/models/x/config.json"));

        Assert.Equal(field, error.Field);
        Assert.Contains("/models/x/config.json", error.Message);
        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains(expectedText, error.Message);
    }

    [Fact]
    public void RejectsInvalidJsonNamingTheFile()
    {
        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.Parse("{\"model_type\": ", "cfg.json"));
        Assert.StartsWith("cfg.json", error.Message);
        Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.Parse("[]", "cfg.json"));
    }

    [Theory]
    [InlineData("llama", false, null)]
    [InlineData("llama", true, 48)]
    [InlineData("mistral", false, null)]
    [InlineData("qwen2", true, null)]
    public void WrittenConfigReadsBackUnchanged(string modelType, bool qkvBias, int? headDim)
    {
        var config = new LlamaConfig
        {
            ModelType = modelType, VocabSize = 100, HiddenSize = 96, IntermediateSize = 256, NumLayers = 3,
            NumHeads = 6, NumKeyValueHeads = 2, ExplicitHeadDim = headDim, RmsNormEps = 1e-5f, RopeTheta = 500000,
            MaxPositionEmbeddings = 1024, TieWordEmbeddings = true, QkvBias = qkvBias, BosTokenId = 1, EosTokenId = 2,
        };

        Assert.Equal(config, HuggingFaceConfig.Parse(HuggingFaceConfig.ToJson(config)));
    }

    [Fact]
    public void WrittenConfigUsesTransformersFieldNames()
    {
        var config = HuggingFaceConfig.Parse(Qwen25);
        using var json = JsonDocument.Parse(HuggingFaceConfig.ToJson(config, SafetensorsDtype.BF16));
        var root = json.RootElement;

        Assert.Equal(["Qwen2ForCausalLM"], root.GetProperty("architectures").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("qwen2", root.GetProperty("model_type").GetString());
        Assert.Equal("bfloat16", root.GetProperty("torch_dtype").GetString());
        Assert.Equal("silu", root.GetProperty("hidden_act").GetString());
        Assert.Equal(1e-6, root.GetProperty("rms_norm_eps").GetDouble()); // the decimal value, not float's binary expansion
        Assert.Equal(1e6, root.GetProperty("rope_theta").GetDouble());
        Assert.Equal(896, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal(4864, root.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(24, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(14, root.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(2, root.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(151936, root.GetProperty("vocab_size").GetInt32());
        Assert.True(root.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.False(root.GetProperty("use_sliding_window").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rope_scaling").ValueKind);
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void WritingRefusesConfigsTheFormatCannotExpress()
    {
        var llama = HuggingFaceConfig.Parse(SmolLm2);
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(llama with { ModelType = "qwen2", QkvBias = false }));
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(llama with { ModelType = "mistral", QkvBias = true }));
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(llama with { ModelType = "gpt2" }));
        Assert.Throws<ArgumentException>(() => HuggingFaceConfig.ToJson(llama with { NumKeyValueHeads = 4 }));
    }

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }
}
