using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FineTune.Models.Formats;

/// <summary>
/// Writes float32 tensors as a safetensors file, stored as F32, F16 or BF16. Like Hugging Face's
/// writer: <c>__metadata__</c> first, tensors laid out in name order, header padded with spaces so
/// the buffer starts 8-byte aligned. The file appears atomically (temp file, then rename), so a
/// reader never sees half of it.
/// </summary>
public static class SafetensorsWriter
{
    private const int ConversionChunk = 1 << 16; // elements converted per write when narrowing

    public static void Write(string path, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, SafetensorsDtype dtype = SafetensorsDtype.F32)
    {
        CheckStorable(dtype);
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        CheckTensors(ordered);
        var header = BuildHeader(ordered, metadata, dtype);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var tensor in ordered) WriteData(stream, tensor.Data.Span, dtype);
        });
    }

    /// <summary>Bytes a tensor of <paramref name="elementCount"/> floats takes in the file.</summary>
    public static long StoredBytes(long elementCount, SafetensorsDtype dtype) => checked(elementCount * dtype.SizeInBytes());

    internal static void CheckStorable(SafetensorsDtype dtype)
    {
        if (dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
            throw new ArgumentException($"tensors can be written as F32, F16 or BF16, not {dtype.Name()}.", nameof(dtype));
    }

    private static void CheckTensors(List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> ordered)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            var (name, shape, data) = ordered[i];
            if (string.IsNullOrEmpty(name) || name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' cannot name a tensor.", "tensors");
            if (i > 0 && ordered[i - 1].Name == name)
                throw new ArgumentException($"tensor '{name}' is given twice.", "tensors");
            long elements = 1;
            foreach (var dim in shape)
            {
                if (dim < 0) throw new ArgumentException($"tensor '{name}' has a negative dimension in {TensorInfo.FormatShape(shape)}.", "tensors");
                elements = checked(elements * dim);
            }
            if (elements != data.Length)
                throw new ArgumentException($"tensor '{name}' has shape {TensorInfo.FormatShape(shape)} ({elements} elements) but {data.Length} values.", "tensors");
        }
    }

    private static byte[] BuildHeader(List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> ordered,
        IReadOnlyDictionary<string, string>? metadata, SafetensorsDtype dtype)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape, data) in ordered)
            {
                var end = offset + StoredBytes(data.Length, dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.Name());
                json.WriteStartArray("shape");
                foreach (var dim in shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }

        // Pad so that prefix + header is a multiple of 8: every tensor then starts aligned to its element size.
        var padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, ReadOnlySpan<float> data, SafetensorsDtype dtype)
    {
        if (dtype == SafetensorsDtype.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }
        var narrow = ArrayPool<ushort>.Shared.Rent(Math.Min(data.Length, ConversionChunk));
        try
        {
            for (var start = 0; start < data.Length; start += ConversionChunk)
            {
                var chunk = data.Slice(start, Math.Min(ConversionChunk, data.Length - start));
                var target = narrow.AsSpan(0, chunk.Length);
                if (dtype == SafetensorsDtype.BF16) FloatConversion.FloatToBf16(chunk, target);
                else FloatConversion.FloatToF16(chunk, MemoryMarshal.Cast<ushort, Half>(target));
                stream.Write(MemoryMarshal.AsBytes(target));
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(narrow);
        }
    }
}
