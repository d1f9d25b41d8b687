using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FineTune.Models.Tests.Parity;

/// <summary>
/// Reads a PyTorch parity fixture written by <c>scripts/torch/make_fixtures.py</c>: the inputs,
/// initial parameters, logits, loss, gradients and AdamW losses of one small Llama, computed in
/// float64 by plain PyTorch and stored as float32.
/// </summary>
/// <remarks>
/// Format "FTTF" version 1, every integer little-endian:
/// <code>
/// magic          4 bytes  "FTTF"
/// version        uint32   1
/// json_length    uint32
/// header         UTF-8 JSON (json_length bytes): config (Hugging Face names), batch, seq, adamw, torch, ...
/// tensor_count   uint32
/// per tensor:    uint16 name_length, UTF-8 name, uint8 dtype (0 = float32, 1 = int32),
///                uint8 ndim, int32 dims[ndim], data (product(dims) elements of 4 bytes; ndim 0 = one element)
/// </code>
/// Tensor names: input_ids, targets, param/&lt;hf name&gt;, logits, loss, grad/&lt;hf name&gt;,
/// adamw_losses, adamw_grad_norms.
/// </remarks>
public sealed class TorchFixture
{
    public const int SupportedVersion = 1;
    private static readonly byte[] Magic = "FTTF"u8.ToArray();

    private enum DType : byte { Float32 = 0, Int32 = 1 }

    private sealed record Tensor(DType Type, int[] Shape, float[]? Floats, int[]? Ints);

    private readonly Dictionary<string, Tensor> _tensors;
    private readonly List<string> _names;

    private TorchFixture(JsonElement header, Dictionary<string, Tensor> tensors, List<string> names)
    {
        Header = header;
        _tensors = tensors;
        _names = names;
        Config = ConfigFromHeader(header);
    }

    /// <summary>The JSON header: <c>config</c>, <c>batch</c>, <c>seq</c>, <c>adamw</c>, <c>torch</c>, ...</summary>
    public JsonElement Header { get; }

    /// <summary>The model shape, built from the header's Hugging Face config fields.</summary>
    public LlamaConfig Config { get; }

    /// <summary>Tensor names in file order.</summary>
    public IEnumerable<string> Names => _names;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public int[] Shape(string name) => (int[])Get(name).Shape.Clone();

    public float[] Float(string name) => Get(name).Floats
        ?? throw new InvalidOperationException($"fixture tensor '{name}' is int32, not float32.");

    public int[] Int(string name) => Get(name).Ints
        ?? throw new InvalidOperationException($"fixture tensor '{name}' is float32, not int32.");

    /// <summary>Where the test project's copy of a committed fixture lies, e.g. "gqa_tied".</summary>
    public static string PathOf(string fixtureName) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", fixtureName + ".bin");

    public static TorchFixture LoadNamed(string fixtureName) => Load(PathOf(fixtureName));

    public static TorchFixture Load(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"torch fixture '{path}': {e.Message}", e);
        }
    }

    public static TorchFixture Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        if (!reader.Bytes(Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("not a torch fixture: the file does not start with \"FTTF\".");
        uint version = reader.UInt32();
        if (version != SupportedVersion)
            throw new InvalidDataException($"unsupported fixture version {version}; this reader knows version {SupportedVersion}.");

        int jsonLength = reader.Length(reader.UInt32(), "json_length");
        JsonElement header;
        try
        {
            using var document = JsonDocument.Parse(reader.Bytes(jsonLength).ToArray());
            header = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the JSON header does not parse: {e.Message}", e);
        }

        int count = reader.Length(reader.UInt32(), "tensor_count");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var names = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(reader.Bytes(reader.UInt16()));
            if (!tensors.TryAdd(name, ReadTensor(ref reader, name)))
                throw new InvalidDataException($"tensor '{name}' appears twice.");
            names.Add(name);
        }
        if (reader.Remaining != 0)
            throw new InvalidDataException($"{reader.Remaining} unexpected bytes after the last tensor.");
        return new TorchFixture(header, tensors, names);
    }

    private static Tensor ReadTensor(ref Reader reader, string name)
    {
        byte code = reader.Byte();
        if (code > (byte)DType.Int32)
            throw new InvalidDataException($"tensor '{name}' has unknown dtype code {code}.");
        var shape = new int[reader.Byte()];
        long elements = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            shape[d] = reader.Int32();
            if (shape[d] < 0) throw new InvalidDataException($"tensor '{name}' has negative dimension {shape[d]}.");
            elements *= shape[d];
        }
        int count = reader.Length(elements, $"element count of '{name}'");
        ReadOnlySpan<byte> data = reader.Bytes(checked(count * sizeof(float)));
        if ((DType)code == DType.Float32)
        {
            var floats = new float[count];
            for (int i = 0; i < count; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            return new Tensor(DType.Float32, shape, floats, null);
        }
        var ints = new int[count];
        for (int i = 0; i < count; i++) ints[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]);
        return new Tensor(DType.Int32, shape, null, ints);
    }

    private Tensor Get(string name) => _tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"fixture has no tensor '{name}'; it has: {string.Join(", ", _names)}.");

    private static LlamaConfig ConfigFromHeader(JsonElement header)
    {
        if (!header.TryGetProperty("config", out var c) || c.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("the JSON header has no \"config\" object.");
        try
        {
            var config = new LlamaConfig
            {
                VocabSize = c.GetProperty("vocab_size").GetInt32(),
                HiddenSize = c.GetProperty("hidden_size").GetInt32(),
                IntermediateSize = c.GetProperty("intermediate_size").GetInt32(),
                NumLayers = c.GetProperty("num_hidden_layers").GetInt32(),
                NumHeads = c.GetProperty("num_attention_heads").GetInt32(),
                NumKeyValueHeads = c.GetProperty("num_key_value_heads").GetInt32(),
                ExplicitHeadDim = c.TryGetProperty("head_dim", out var headDim) ? headDim.GetInt32() : null,
                RmsNormEps = (float)c.GetProperty("rms_norm_eps").GetDouble(),
                RopeTheta = c.GetProperty("rope_theta").GetDouble(),
                TieWordEmbeddings = c.GetProperty("tie_word_embeddings").GetBoolean(),
                QkvBias = c.GetProperty("attention_bias").GetBoolean(),
            };
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"the header's config is incomplete or invalid: {e.Message}", e);
        }
    }

    /// <summary>A cursor over the file that reports truncation instead of reading past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _offset;

        public readonly int Remaining => _bytes.Length - _offset;

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > Remaining)
                throw new InvalidDataException(
                    $"file is truncated: needed {count} bytes at offset {_offset}, but it ends at {_bytes.Length}.");
            var span = _bytes.Slice(_offset, count);
            _offset += count;
            return span;
        }

        public byte Byte() => Bytes(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));
        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));

        /// <summary>A count read from the file, checked to fit in what is left (each item takes at least a byte).</summary>
        public readonly int Length(long value, string what) => value <= Remaining
            ? (int)value
            : throw new InvalidDataException(
                $"file is truncated or corrupt: {what} is {value}, but only {Remaining} bytes remain after offset {_offset}.");
    }
}
