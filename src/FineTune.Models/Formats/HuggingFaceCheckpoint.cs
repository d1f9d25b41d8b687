using System.Text;
using System.Text.Json;

namespace FineTune.Models.Formats;

/// <summary>
/// A Hugging Face model folder: <c>config.json</c>, an optional <c>generation_config.json</c>, and the
/// weights as one <c>model.safetensors</c> or as shards listed by <c>model.safetensors.index.json</c>.
/// Tensor names are Hugging Face's (<c>model.layers.0.self_attn.q_proj.weight</c>); this class only
/// stores and finds them. Every shard is validated at open and stays memory-mapped until dispose.
/// </summary>
public sealed class HuggingFaceCheckpoint : IDisposable
{
    public const string SingleWeightsFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>Shards carry <c>{"format": "pt"}</c>: <c>transformers</c> refuses safetensors files without a known format.</summary>
    private static readonly Dictionary<string, string> ShardMetadata = new() { ["format"] = "pt" };

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _fileByTensor;

    private HuggingFaceCheckpoint(string folder, LlamaConfig config, GenerationConfig? generation,
        List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileByTensor)
    {
        Folder = folder;
        Config = config;
        Generation = generation;
        _files = files;
        _fileByTensor = fileByTensor;
    }

    public string Folder { get; }
    public LlamaConfig Config { get; }
    public GenerationConfig? Generation { get; }
    public IReadOnlyCollection<string> TensorNames => _fileByTensor.Keys;

    public bool Contains(string name) => _fileByTensor.ContainsKey(name);

    /// <summary>The tensor's header entry (dtype, shape, byte range), for callers that need more than the shape.</summary>
    public TensorInfo Info(string name) => Find(name).Tensors[name];

    public int[] Shape(string name) => (int[])Info(name).Shape.Clone();

    /// <summary>Converts a tensor to float32 after checking it has the shape the model expects.</summary>
    /// <exception cref="ModelFormatException">The tensor is missing or its shape differs from <paramref name="expectedShape"/>.</exception>
    public void ReadInto(string name, ReadOnlySpan<int> expectedShape, Span<float> destination)
    {
        var file = Find(name);
        var info = file.Tensors[name];
        if (!expectedShape.SequenceEqual(info.Shape))
            throw new ModelFormatException(file.Path, null,
                $"tensor '{name}' has shape {info.ShapeText} but the model expects {TensorInfo.FormatShape(expectedShape)}");
        file.ReadInto(name, destination);
    }

    public static HuggingFaceCheckpoint Open(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"model folder '{folder}' does not exist.");
        var configPath = Path.Combine(folder, HuggingFaceConfig.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"'{folder}' has no {HuggingFaceConfig.FileName}; a Hugging Face model folder needs one.", configPath);
        var config = HuggingFaceConfig.Read(configPath);
        var generationPath = Path.Combine(folder, GenerationConfig.FileName);
        var generation = File.Exists(generationPath) ? GenerationConfig.Read(generationPath) : null;

        var files = new List<SafetensorsFile>();
        try
        {
            // transformers looks for the single file first; so do we, so both pick the same weights.
            var singlePath = Path.Combine(folder, SingleWeightsFileName);
            var indexPath = Path.Combine(folder, IndexFileName);
            Dictionary<string, SafetensorsFile> fileByTensor;
            if (File.Exists(singlePath))
            {
                var file = SafetensorsFile.Open(singlePath);
                files.Add(file);
                fileByTensor = file.Tensors.Keys.ToDictionary(name => name, _ => file, StringComparer.Ordinal);
            }
            else if (File.Exists(indexPath))
            {
                fileByTensor = OpenShards(folder, indexPath, files);
            }
            else
            {
                throw new FileNotFoundException($"'{folder}' has neither {SingleWeightsFileName} nor {IndexFileName}.", singlePath);
            }
            return new HuggingFaceCheckpoint(folder, config, generation, files, fileByTensor);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    /// <param name="maxShardBytes">Tensors go into a shard in the order given until the next would pass this size
    /// (a larger tensor gets a shard alone). One shard is written as <c>model.safetensors</c> without an index.</param>
    /// <param name="dtype">How the weights are stored: F32, F16 or BF16; <c>torch_dtype</c> says the same.</param>
    /// <remarks>Weights files from an earlier save that the new one does not use are deleted; other files
    /// (tokenizer, an existing generation config when <paramref name="generation"/> is null) are left alone.</remarks>
    public static void Save(string folder, LlamaConfig config,
        IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        GenerationConfig? generation = null, long maxShardBytes = long.MaxValue, SafetensorsDtype dtype = SafetensorsDtype.F32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        SafetensorsWriter.CheckStorable(dtype);
        var configJson = HuggingFaceConfig.ToJson(config, dtype); // validates before anything is written
        var all = tensors.ToList();
        var duplicate = all.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"tensor '{duplicate.Key}' is given twice.", nameof(tensors));

        Directory.CreateDirectory(folder);
        var shards = SplitIntoShards(all, maxShardBytes, dtype);
        var written = new HashSet<string>(StringComparer.Ordinal);
        if (shards.Count <= 1)
        {
            SafetensorsWriter.Write(Path.Combine(folder, SingleWeightsFileName), shards.SingleOrDefault() ?? [], ShardMetadata, dtype);
            written.Add(SingleWeightsFileName);
        }
        else
        {
            var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < shards.Count; i++)
            {
                var name = ShardFileName(i + 1, shards.Count);
                SafetensorsWriter.Write(Path.Combine(folder, name), shards[i], ShardMetadata, dtype);
                written.Add(name);
                foreach (var tensor in shards[i]) weightMap[tensor.Name] = name;
            }
            var totalSize = all.Sum(t => SafetensorsWriter.StoredBytes(t.Data.Length, dtype));
            AtomicFile.WriteAllBytes(Path.Combine(folder, IndexFileName), IndexJson(totalSize, weightMap));
            written.Add(IndexFileName);
        }
        DeleteStaleWeights(folder, written);

        AtomicFile.WriteAllBytes(Path.Combine(folder, HuggingFaceConfig.FileName), Encoding.UTF8.GetBytes(configJson));
        generation?.Write(Path.Combine(folder, GenerationConfig.FileName));
    }

    /// <summary>Hugging Face's shard naming: <c>model-00001-of-00003.safetensors</c>.</summary>
    public static string ShardFileName(int index, int count) => $"model-{index:D5}-of-{count:D5}.safetensors";

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private SafetensorsFile Find(string name) =>
        _fileByTensor.TryGetValue(name, out var file)
            ? file
            : throw new ModelFormatException(Folder, null, $"the checkpoint has no tensor '{name}'");

    private static Dictionary<string, SafetensorsFile> OpenShards(string folder, string indexPath, List<SafetensorsFile> opened)
    {
        var index = JsonObjectReader.ReadFile(indexPath);
        var weightMap = index.OptionalObject("weight_map") ?? throw index.Error("weight_map", "is required but missing");
        var shardByName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var fileByTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var entry in weightMap.Properties)
        {
            var field = $"weight_map.{entry.Name}";
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw index.Error(field, $"must name a shard file, got {JsonObjectReader.Describe(entry.Value)}");
            var shardName = entry.Value.GetString()!;
            if (shardName.Length == 0 || shardName is "." or ".." || Path.GetFileName(shardName) != shardName)
                throw index.Error(field, $"\"{shardName}\" is not a file name in the model folder");
            if (!shardByName.TryGetValue(shardName, out var shard))
            {
                var shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath)) throw index.Error(field, $"shard \"{shardName}\" does not exist in '{folder}'");
                shard = SafetensorsFile.Open(shardPath);
                opened.Add(shard);
                shardByName.Add(shardName, shard);
            }
            if (!shard.Tensors.ContainsKey(entry.Name))
                throw index.Error(field, $"shard \"{shardName}\" has no tensor '{entry.Name}'");
            if (!fileByTensor.TryAdd(entry.Name, shard))
                throw index.Error(field, "appears twice");
        }
        return fileByTensor;
    }

    private static List<List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>> SplitIntoShards(
        List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors, long maxShardBytes, SafetensorsDtype dtype)
    {
        var shards = new List<List<(string, int[], ReadOnlyMemory<float>)>>();
        List<(string, int[], ReadOnlyMemory<float>)>? current = null;
        long currentBytes = 0;
        foreach (var tensor in tensors)
        {
            var bytes = SafetensorsWriter.StoredBytes(tensor.Data.Length, dtype);
            if (current is null || (current.Count > 0 && currentBytes + bytes > maxShardBytes))
            {
                current = [];
                shards.Add(current);
                currentBytes = 0;
            }
            current.Add(tensor);
            currentBytes += bytes;
        }
        return shards;
    }

    private static byte[] IndexJson(long totalSize, SortedDictionary<string, string> weightMap)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (tensor, shard) in weightMap) json.WriteString(tensor, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void DeleteStaleWeights(string folder, HashSet<string> written)
    {
        var candidates = Directory.EnumerateFiles(folder, "model-?????-of-?????.safetensors")
            .Append(Path.Combine(folder, SingleWeightsFileName))
            .Append(Path.Combine(folder, IndexFileName));
        foreach (var path in candidates)
            if (!written.Contains(Path.GetFileName(path)) && File.Exists(path)) File.Delete(path);
    }
}
