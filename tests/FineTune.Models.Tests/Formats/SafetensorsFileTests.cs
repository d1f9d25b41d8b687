using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FineTune.Models.Formats;
using FineTune.Testing;

namespace FineTune.Models.Tests.Formats;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new("safetensors");

    public void Dispose() => _dir.Dispose();

    private string PathOf(string name) => Path.Combine(_dir.Path, name);

    private string WriteRaw(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void F32RoundTripKeepsEveryBitShapeAndMetadata()
    {
        float[] matrix = [1f, -2.5f, float.Epsilon, -0f, float.MaxValue, float.NegativeInfinity];
        float[] vector = [float.NaN, 3.25f, 1e-40f];
        var path = PathOf("round.safetensors");
        SafetensorsWriter.Write(path,
        [
            ("layer.weight", [2, 3], matrix),
            ("a.bias", [3], vector),
            ("scalar", [], new[] { 7f }),
            ("empty", [0, 4], ReadOnlyMemory<float>.Empty),
        ], new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a.bias", "empty", "layer.weight", "scalar"], file.Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([2, 3], file.Tensors["layer.weight"].Shape);
        Assert.Equal(SafetensorsDtype.F32, file.Tensors["layer.weight"].Dtype);
        Assert.Empty(file.Tensors["scalar"].Shape);
        Assert.Equal("ünïcode", file.Metadata["note"]);
        Assert.Equal("pt", file.Metadata["format"]);
        AssertBitsEqual(matrix, file.ReadFloat32("layer.weight"));
        AssertBitsEqual(vector, file.ReadFloat32("a.bias"));
        Assert.Equal([7f], file.ReadFloat32("scalar"));
        Assert.Empty(file.ReadFloat32("empty"));
    }

    [Fact]
    public void WriterLaysOutTheFileAsTheSpecSays()
    {
        // Parsed here with plain byte reads and JsonDocument, not with the reader under test.
        var path = PathOf("layout.safetensors");
        SafetensorsWriter.Write(path, [("b", [2], new[] { 1f, 2f }), ("a", [1], new[] { 3f })]);
        var bytes = File.ReadAllBytes(path);

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.EndsWith("}", header.TrimEnd(' ')); // whatever follows the JSON object is space padding
        Assert.DoesNotContain('\0', header);
        using var json = JsonDocument.Parse(header);
        Assert.Equal("F32", json.RootElement.GetProperty("a").GetProperty("dtype").GetString());
        // Name order: "a" takes the buffer's first 4 bytes, "b" the next 8.
        Assert.Equal([0, 4], json.RootElement.GetProperty("a").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([4, 12], json.RootElement.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        var buffer = bytes.AsSpan(8 + headerLength);
        Assert.Equal(12, buffer.Length);
        Assert.Equal(3f, BinaryPrimitives.ReadSingleLittleEndian(buffer));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(buffer[8..]));
    }

    [Fact]
    public void HandBuiltBf16FileConvertsToTheKnownValues()
    {
        var header = """{"t":{"dtype":"BF16","shape":[7],"data_offsets":[0,14]}}""";
        var path = WriteRaw("bf16.safetensors", SafetensorsBytes.Build(header,
            SafetensorsBytes.UInt16s(0x3F80, 0xC020, 0x7F7F, 0x0001, 0x7F80, 0xFF80, 0x7FC0)));

        using var file = SafetensorsFile.Open(path);
        var values = file.ReadFloat32("t");

        Assert.Equal(1f, values[0]);
        Assert.Equal(-2.5f, values[1]);
        Assert.Equal(3.3895314e38f, values[2]);         // largest finite bfloat16: (2 - 2^-7) · 2^127
        Assert.Equal(MathF.Pow(2, -133), values[3]);     // smallest subnormal bfloat16
        Assert.Equal(float.PositiveInfinity, values[4]);
        Assert.Equal(float.NegativeInfinity, values[5]);
        Assert.True(float.IsNaN(values[6]));
    }

    [Fact]
    public void HandBuiltF16FileConvertsToTheKnownValues()
    {
        var header = """{"t":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]}}""";
        var path = WriteRaw("f16.safetensors", SafetensorsBytes.Build(header,
            SafetensorsBytes.UInt16s(0x3C00, 0xC100, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0x7E00, 0x8000)));

        using var file = SafetensorsFile.Open(path);
        var values = file.ReadFloat32("t");

        Assert.Equal(1f, values[0]);
        Assert.Equal(-2.5f, values[1]);
        Assert.Equal(65504f, values[2]);                 // largest finite half
        Assert.Equal(MathF.Pow(2, -24), values[3]);      // smallest subnormal half
        Assert.Equal(1023 * MathF.Pow(2, -24), values[4]); // largest subnormal half
        Assert.Equal(float.PositiveInfinity, values[5]);
        Assert.True(float.IsNaN(values[6]));
        Assert.True(float.IsNegative(values[7]) && values[7] == 0);
    }

    [Fact]
    public void HandBuiltF64FileNarrowsToFloat()
    {
        var header = """{"t":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}""";
        var path = WriteRaw("f64.safetensors", SafetensorsBytes.Build(header, SafetensorsBytes.Doubles(0.1, -2.5, 1e300)));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal([0.1f, -2.5f, float.PositiveInfinity], file.ReadFloat32("t"));
    }

    [Fact]
    public void UnalignedTensorIsReadCorrectly()
    {
        // Writers pad the header, but the format does not demand it; a 2-byte tensor first leaves the F32 one misaligned.
        var header = """{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"F32","shape":[2],"data_offsets":[2,10]}}""";
        byte[] buffer = [.. SafetensorsBytes.UInt16s(0x4000), .. SafetensorsBytes.Floats(5.5f, -1f)];
        var path = WriteRaw("unaligned.safetensors", SafetensorsBytes.Build(header, buffer));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal([2f], file.ReadFloat32("a"));
        Assert.Equal([5.5f, -1f], file.ReadFloat32("b"));
    }

    [Theory]
    [InlineData(SafetensorsDtype.BF16)]
    [InlineData(SafetensorsDtype.F16)]
    public void NarrowWritesStoreTheRoundedValues(SafetensorsDtype dtype)
    {
        // Each value is exactly representable in both 16-bit formats, so it must come back unchanged.
        float[] exact = [1f, -2.5f, 0.15625f, 0f, -0f, 256f, float.PositiveInfinity];
        var path = PathOf($"narrow-{dtype}.safetensors");
        SafetensorsWriter.Write(path, [("t", [exact.Length], exact)], dtype: dtype);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(dtype, file.Tensors["t"].Dtype);
        Assert.Equal(exact.Length * 2L, file.Tensors["t"].Length);
        AssertBitsEqual(exact, file.ReadFloat32("t"));
    }

    [Fact]
    public void Bf16WriteRoundsToNearestEven()
    {
        var halfway = BitConverter.UInt32BitsToSingle(0x3F818000); // 1 + 3·2^-8 lies halfway; the even neighbour is 1 + 2^-6
        var path = PathOf("bf16-round.safetensors");
        SafetensorsWriter.Write(path, [("t", [1], new[] { halfway })], dtype: SafetensorsDtype.BF16);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(1f + 1f / 64, file.ReadFloat32("t")[0]);
    }

    [Fact]
    public void DestinationOfTheWrongLengthIsRefused()
    {
        var path = PathOf("len.safetensors");
        SafetensorsWriter.Write(path, [("t", [2, 2], new float[4])]);
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<ArgumentException>(() => file.ReadInto("t", new float[3]));
        Assert.Contains("'t'", error.Message);
        Assert.Contains("4 elements", error.Message);
        Assert.Throws<KeyNotFoundException>(() => file.ReadInto("missing", new float[4]));
    }

    [Fact]
    public void IntegerTensorsOpenButDoNotConvert()
    {
        var header = """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""";
        var path = WriteRaw("i64.safetensors", SafetensorsBytes.Build(header, 16));
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(SafetensorsDtype.I64, file.Tensors["ids"].Dtype);
        var error = Assert.Throws<NotSupportedException>(() => file.ReadFloat32("ids"));
        Assert.Contains("I64", error.Message);
    }

    [Fact]
    public void ReadingAfterDisposeThrows()
    {
        var path = PathOf("disposed.safetensors");
        SafetensorsWriter.Write(path, [("t", [1], new[] { 1f })]);
        var file = SafetensorsFile.Open(path);
        file.Dispose();
        file.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => file.ReadFloat32("t"));
    }

    [Fact]
    public void WriterRefusesInconsistentInput()
    {
        var path = PathOf("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [("t", [2, 2], new float[3])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [("t", [1], new float[1]), ("t", [1], new float[1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [("__metadata__", [1], new float[1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [("t", [1], new float[1])], dtype: SafetensorsDtype.I32));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir.Path)); // no temp file left behind either
    }

    [Fact]
    public void RewritingReplacesTheFileWhileAnOpenReaderKeepsItsData()
    {
        var path = PathOf("replace.safetensors");
        SafetensorsWriter.Write(path, [("t", [1], new[] { 1f })]);
        using var before = SafetensorsFile.Open(path);

        SafetensorsWriter.Write(path, [("t", [2], new[] { 2f, 3f })]);

        using var after = SafetensorsFile.Open(path);
        Assert.Equal([2f, 3f], after.ReadFloat32("t"));
        Assert.Equal([1f], before.ReadFloat32("t"));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    private static void AssertBitsEqual(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
