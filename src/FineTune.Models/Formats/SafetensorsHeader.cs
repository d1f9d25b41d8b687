using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace FineTune.Models.Formats;

/// <summary>
/// Parses and validates a safetensors header. Layout: an 8-byte little-endian length N, N bytes of
/// UTF-8 JSON <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}</c>,
/// then the byte buffer that the offsets index. Every check that protects a later read lives here,
/// so that a file which parses can be read without bounds surprises.
/// </summary>
internal static class SafetensorsHeader
{
    public const int LengthPrefixBytes = 8;

    /// <summary>Hugging Face's own reader refuses larger headers; a real one is a few hundred kB at most.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    public const string MetadataKey = "__metadata__";

    public sealed record Parsed(Dictionary<string, TensorInfo> Tensors, Dictionary<string, string> Metadata, long DataStart);

    public static void CheckFileLength(long fileLength, string file)
    {
        if (fileLength < LengthPrefixBytes)
            throw Error(file, null, null, $"file is {fileLength} bytes, too short for the 8-byte header length");
    }

    /// <summary>Reads the length prefix and checks it against the file size.</summary>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string file)
    {
        CheckFileLength(fileLength, file);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderBytes)
            throw Error(file, null, null, $"header length {length} exceeds the {MaxHeaderBytes}-byte limit");
        if ((long)length > fileLength - LengthPrefixBytes)
            throw Error(file, null, null, $"header length {length} runs past the end of the {fileLength}-byte file");
        return (long)length;
    }

    /// <param name="json">The N header bytes.</param>
    /// <param name="bufferLength">Bytes after the header: the data buffer the offsets must fit in.</param>
    public static Parsed Parse(ReadOnlySpan<byte> json, long bufferLength, string file)
    {
        if (!Utf8.IsValid(json)) throw Error(file, null, null, "header is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw Error(file, null, null, $"header is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Error(file, null, null, $"header must be a JSON object, got {Describe(root)}");

            var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (metadata is not null) throw Error(file, null, MetadataKey, "appears twice");
                    metadata = ParseMetadata(property.Value, file);
                    continue;
                }
                if (tensors.ContainsKey(property.Name))
                    throw Error(file, property.Name, null, "appears twice in the header");
                tensors.Add(property.Name, ParseEntry(property.Name, property.Value, bufferLength, file));
            }

            CheckRangesTileBuffer(tensors.Values, bufferLength, file);
            return new Parsed(tensors, metadata ?? [], LengthPrefixBytes + (long)json.Length);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(file, null, MetadataKey, $"must be an object of strings, got {Describe(value)}");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Error(file, null, $"{MetadataKey}.{entry.Name}", $"must be a string, got {Describe(entry.Value)}");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Error(file, null, $"{MetadataKey}.{entry.Name}", "appears twice");
        }
        return metadata;
    }

    private static TensorInfo ParseEntry(string name, JsonElement entry, long bufferLength, string file)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw Error(file, name, null, $"entry must be an object, got {Describe(entry)}");

        var dtypeElement = RequireField(entry, "dtype", name, file);
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw Error(file, name, "dtype", $"must be a string, got {Describe(dtypeElement)}");
        var dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDtypes.TryParse(dtypeName, out var dtype))
            throw Error(file, name, "dtype", $"unknown or unsupported dtype \"{dtypeName}\"");

        var shape = ParseShape(RequireField(entry, "shape", name, file), name, file);
        var (begin, end) = ParseOffsets(RequireField(entry, "data_offsets", name, file), name, file);
        if (begin > end)
            throw Error(file, name, "data_offsets", $"begin {begin} is after end {end}");
        if (end > bufferLength)
            throw Error(file, name, "data_offsets", $"end {end} runs past the {bufferLength}-byte data buffer");

        long expectedBytes;
        try
        {
            long elements = 1;
            foreach (var dim in shape) elements = checked(elements * dim);
            expectedBytes = checked(elements * dtype.SizeInBytes());
        }
        catch (OverflowException)
        {
            throw Error(file, name, "shape", $"element count of {TensorInfo.FormatShape(shape)} overflows");
        }
        if (expectedBytes != end - begin)
            throw Error(file, name, "data_offsets",
                $"span of {end - begin} bytes does not match shape {TensorInfo.FormatShape(shape)} of {dtype.Name()} ({expectedBytes} bytes)");

        return new TensorInfo(name, dtype, shape, begin, end - begin);
    }

    private static int[] ParseShape(JsonElement value, string name, string file)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw Error(file, name, "shape", $"must be an array of integers, got {Describe(value)}");
        var shape = new int[value.GetArrayLength()];
        var i = 0;
        foreach (var dim in value.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size))
                throw Error(file, name, "shape", $"dimension {i} must be an integer, got {Describe(dim)}");
            if (size < 0) throw Error(file, name, "shape", $"dimension {i} is negative ({size})");
            if (size > int.MaxValue) throw Error(file, name, "shape", $"dimension {i} ({size}) exceeds {int.MaxValue}");
            shape[i++] = (int)size;
        }
        return shape;
    }

    private static (long Begin, long End) ParseOffsets(JsonElement value, string name, string file)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
            throw Error(file, name, "data_offsets", $"must be an array of two integers [begin, end], got {Describe(value)}");
        var begin = ParseOffset(value[0], "begin", name, file);
        var end = ParseOffset(value[1], "end", name, file);
        return (begin, end);
    }

    private static long ParseOffset(JsonElement value, string which, string name, string file)
    {
        // An offset beyond long.MaxValue cannot fit any file, so failing TryGetInt64 is an error either way.
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var offset))
            throw Error(file, name, "data_offsets", $"{which} must be a non-negative integer, got {Describe(value)}");
        if (offset < 0) throw Error(file, name, "data_offsets", $"{which} is negative ({offset})");
        return offset;
    }

    /// <summary>
    /// The ranges must cover the buffer exactly, in some order, without overlap or holes. Hugging
    /// Face's reader demands the same: a hole could hide a second payload (a polyglot file).
    /// </summary>
    private static void CheckRangesTileBuffer(IEnumerable<TensorInfo> tensors, long bufferLength, string file)
    {
        long covered = 0;
        TensorInfo? previous = null;
        foreach (var tensor in tensors.OrderBy(t => t.Offset).ThenBy(t => t.Length))
        {
            if (tensor.Offset < covered)
                throw Error(file, tensor.Name, "data_offsets",
                    $"range [{tensor.Offset}, {tensor.Offset + tensor.Length}) overlaps tensor '{previous!.Name}' [{previous.Offset}, {covered})");
            if (tensor.Offset > covered)
                throw Error(file, tensor.Name, "data_offsets",
                    $"range starts at {tensor.Offset}, leaving unindexed bytes [{covered}, {tensor.Offset}) in the data buffer");
            covered = tensor.Offset + tensor.Length;
            previous = tensor;
        }
        if (covered != bufferLength)
            throw Error(file, null, null,
                $"data buffer is {bufferLength} bytes but the tensors cover only {covered}; trailing bytes are not allowed");
    }

    private static JsonElement RequireField(JsonElement entry, string field, string name, string file) =>
        entry.TryGetProperty(field, out var value) ? value : throw Error(file, name, field, "is missing");

    private static string Describe(JsonElement value) => JsonObjectReader.Describe(value);

    private static SafetensorsFormatException Error(string file, string? tensor, string? field, string problem) =>
        new(file, tensor, field, problem);
}
