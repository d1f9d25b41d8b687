using System.Text.Json;
using FineTune.Models.Formats;
using FineTune.Testing;

namespace FineTune.Models.Tests.Formats;

public sealed class HuggingFaceCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new("checkpoint");

    public void Dispose() => _dir.Dispose();

    private static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 8, HiddenSize = 4, IntermediateSize = 6, NumLayers = 1, NumHeads = 2, NumKeyValueHeads = 1,
        BosTokenId = 1, EosTokenId = 2,
    };

    /// <summary>Tensors of 32, 64, 24, 96 and 16 bytes in F32, with distinct values to catch mix-ups.</summary>
    private static (string Name, int[] Shape, ReadOnlyMemory<float> Data)[] Tensors() =>
    [
        Tensor("model.embed_tokens.weight", 2, 4),
        Tensor("model.layers.0.self_attn.q_proj.weight", 4, 4),
        Tensor("model.layers.0.mlp.gate_proj.weight", 6),
        Tensor("model.layers.0.mlp.up_proj.weight", 6, 4),
        Tensor("model.norm.weight", 4),
    ];

    private static (string, int[], ReadOnlyMemory<float>) Tensor(string name, params int[] shape)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var seed = name.Length * 100;
        return (name, shape, Enumerable.Range(0, count).Select(i => (float)(seed + i) / 8).ToArray());
    }

    private string Folder => Path.Combine(_dir.Path, "model");

    [Fact]
    public void UnshardedSaveOpensWithTheSameConfigAndWeights()
    {
        var generation = new GenerationConfig { EosTokenIds = [2, 3], Temperature = 0.5f };
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), generation);

        Assert.True(File.Exists(Path.Combine(Folder, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(Folder, "model.safetensors.index.json")));
        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);
        Assert.Equal(Tiny, checkpoint.Config);
        Assert.Equal(generation, checkpoint.Generation);
        AssertHoldsTensors(checkpoint, Tensors());
    }

    [Fact]
    public void ShardedSaveSplitsInOrderAndWritesAnIndexLikeHuggingFace()
    {
        // 32 + 64 > 80 starts shard 2; 64 + 24 > 80 starts shard 3 with the 24-byte tensor; 24 + 96 > 80 starts
        // shard 4 holding the 96-byte tensor alone (larger than the limit); 96 + 16 > 80 starts shard 5.
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);

        using (var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "model.safetensors.index.json"))))
        {
            Assert.Equal(32 + 64 + 24 + 96 + 16, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            var map = index.RootElement.GetProperty("weight_map");
            Assert.Equal("model-00001-of-00005.safetensors", map.GetProperty("model.embed_tokens.weight").GetString());
            Assert.Equal("model-00002-of-00005.safetensors", map.GetProperty("model.layers.0.self_attn.q_proj.weight").GetString());
            Assert.Equal("model-00003-of-00005.safetensors", map.GetProperty("model.layers.0.mlp.gate_proj.weight").GetString());
            Assert.Equal("model-00004-of-00005.safetensors", map.GetProperty("model.layers.0.mlp.up_proj.weight").GetString());
            Assert.Equal("model-00005-of-00005.safetensors", map.GetProperty("model.norm.weight").GetString());
        }
        Assert.False(File.Exists(Path.Combine(Folder, "model.safetensors")));
        using (var shard = SafetensorsFile.Open(Path.Combine(Folder, "model-00001-of-00005.safetensors")))
            Assert.Equal("pt", shard.Metadata["format"]); // transformers refuses shards without it

        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);
        Assert.Equal(Tiny, checkpoint.Config);
        Assert.Null(checkpoint.Generation);
        AssertHoldsTensors(checkpoint, Tensors());
    }

    [Fact]
    public void ShardsHoldSeveralTensorsWhenTheyFit()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 120);

        // 32 + 64 + 24 = 120 fit; 96 + 16 = 112 fit.
        Assert.True(File.Exists(Path.Combine(Folder, "model-00002-of-00002.safetensors")));
        Assert.False(File.Exists(Path.Combine(Folder, "model-00001-of-00003.safetensors")));
        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);
        AssertHoldsTensors(checkpoint, Tensors());
    }

    [Fact]
    public void SavingAgainRemovesWeightsFilesTheNewSaveDoesNotUse()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);
        File.WriteAllText(Path.Combine(Folder, "tokenizer.json"), "{}");

        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors());

        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json"],
            Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bf16SaveRecordsTheDtypeInTheConfig()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, [("model.norm.weight", [2], new[] { 1f, -2.5f })], dtype: SafetensorsDtype.BF16);

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "config.json"))))
            Assert.Equal("bfloat16", config.RootElement.GetProperty("torch_dtype").GetString());
        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);
        Assert.Equal(SafetensorsDtype.BF16, checkpoint.Info("model.norm.weight").Dtype);
        var values = new float[2];
        checkpoint.ReadInto("model.norm.weight", [2], values);
        Assert.Equal([1f, -2.5f], values);
    }

    [Fact]
    public void ReadingWithTheWrongShapeNamesTensorAndBothShapes()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors());
        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);

        var error = Assert.Throws<ModelFormatException>(() =>
            checkpoint.ReadInto("model.layers.0.mlp.up_proj.weight", [4, 6], new float[24]));

        Assert.Contains("'model.layers.0.mlp.up_proj.weight'", error.Message);
        Assert.Contains("[6, 4]", error.Message);
        Assert.Contains("[4, 6]", error.Message);
        Assert.Equal([6, 4], checkpoint.Shape("model.layers.0.mlp.up_proj.weight"));
    }

    [Fact]
    public void AMissingTensorIsNamed()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors());
        using var checkpoint = HuggingFaceCheckpoint.Open(Folder);

        Assert.False(checkpoint.Contains("lm_head.weight"));
        var error = Assert.Throws<ModelFormatException>(() => checkpoint.Shape("lm_head.weight"));
        Assert.Contains("'lm_head.weight'", error.Message);
    }

    [Fact]
    public void IndexPointingAtAMissingShardNamesTensorAndShard()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);
        File.Delete(Path.Combine(Folder, "model-00003-of-00005.safetensors"));

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Open(Folder));

        Assert.Equal("weight_map.model.layers.0.mlp.gate_proj.weight", error.Field);
        Assert.Contains("model-00003-of-00005.safetensors", error.Message);
        Assert.Contains("model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void IndexNamingATensorItsShardLacksIsRefused()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);
        RewriteIndex(map => map["model.norm.weight"] = "model-00001-of-00005.safetensors");

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Open(Folder));

        Assert.Equal("weight_map.model.norm.weight", error.Field);
        Assert.Contains("has no tensor 'model.norm.weight'", error.Message);
    }

    [Theory]
    [InlineData("../model-00001-of-00005.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public void IndexMayOnlyNameFilesInTheFolder(string shard)
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);
        RewriteIndex(map => map["model.norm.weight"] = shard);

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Open(Folder));
        Assert.Equal("weight_map.model.norm.weight", error.Field);
    }

    [Fact]
    public void ACorruptShardIsReportedAsAFormatError()
    {
        HuggingFaceCheckpoint.Save(Folder, Tiny, Tensors(), maxShardBytes: 80);
        var shard = Path.Combine(Folder, "model-00002-of-00005.safetensors");
        File.WriteAllBytes(shard, File.ReadAllBytes(shard)[..^1]);

        var error = Assert.Throws<SafetensorsFormatException>(() => HuggingFaceCheckpoint.Open(Folder));
        Assert.Equal("model.layers.0.self_attn.q_proj.weight", error.TensorName);
        Assert.Contains(shard, error.Message);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        Assert.Throws<DirectoryNotFoundException>(() => HuggingFaceCheckpoint.Open(Folder));
        Directory.CreateDirectory(Folder);
        Assert.Contains("config.json", Assert.Throws<FileNotFoundException>(() => HuggingFaceCheckpoint.Open(Folder)).Message);
        HuggingFaceConfig.Write(Path.Combine(Folder, "config.json"), Tiny);
        Assert.Contains("model.safetensors", Assert.Throws<FileNotFoundException>(() => HuggingFaceCheckpoint.Open(Folder)).Message);
    }

    [Fact]
    public void SaveRefusesDuplicateNamesAndWritesNothing()
    {
        var tensors = Tensors().Append(Tensor("model.norm.weight", 4));
        Assert.Throws<ArgumentException>(() => HuggingFaceCheckpoint.Save(Folder, Tiny, tensors));
        Assert.False(Directory.Exists(Folder));
    }

    private void RewriteIndex(Action<Dictionary<string, string>> edit)
    {
        var path = Path.Combine(Folder, "model.safetensors.index.json");
        using var index = JsonDocument.Parse(File.ReadAllText(path));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        edit(map);
        File.WriteAllText(path, JsonSerializer.Serialize(new { weight_map = map }));
    }

    private static void AssertHoldsTensors(HuggingFaceCheckpoint checkpoint,
        (string Name, int[] Shape, ReadOnlyMemory<float> Data)[] expected)
    {
        Assert.Equal(expected.Select(t => t.Name).Order(StringComparer.Ordinal), checkpoint.TensorNames.Order(StringComparer.Ordinal));
        foreach (var (name, shape, data) in expected)
        {
            Assert.Equal(shape, checkpoint.Shape(name));
            var values = new float[data.Length];
            checkpoint.ReadInto(name, shape, values);
            Assert.Equal(data.ToArray(), values);
        }
    }
}
