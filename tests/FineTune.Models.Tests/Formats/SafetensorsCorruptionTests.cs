using FineTune.Models.Formats;
using FineTune.Testing;

namespace FineTune.Models.Tests.Formats;

/// <summary>
/// Every way a header can lie must end in <see cref="SafetensorsFormatException"/>, never in another
/// exception or an out-of-range read, and the message must say which tensor and which field.
/// </summary>
public sealed class SafetensorsCorruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new("safetensors-corrupt");

    public void Dispose() => _dir.Dispose();

    private const string ValidHeader = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    private static string Entry(string name, string dtype, string shape, string offsets) =>
        $$$"""{"{{{name}}}":{"dtype":"{{{dtype}}}","shape":{{{shape}}},"data_offsets":{{{offsets}}}}}""";

    /// <summary>(label, file bytes, tensor the message must name or null, text the message must contain).</summary>
    public static TheoryData<string, byte[], string?, string> Variants()
    {
        var valid = SafetensorsBytes.Build(ValidHeader, 8);
        var deep = new string('[', 200) + new string(']', 200);
        return new TheoryData<string, byte[], string?, string>
        {
            { "empty file", [], null, "too short" },
            { "7-byte file", new byte[7], null, "too short" },
            { "truncated buffer", valid[..^3], "w", "data_offsets" },
            { "truncated header", valid[..20], null, "past the end" },
            { "header length past file end", SafetensorsBytes.Build(ValidHeader, new byte[8], declaredLength: 1000), null, "past the end" },
            { "header length huge", SafetensorsBytes.Build(ValidHeader, new byte[8], declaredLength: ulong.MaxValue), null, "limit" },
            { "header length just over 100 MB", SafetensorsBytes.Build(ValidHeader, new byte[8], declaredLength: 100UL * 1024 * 1024 + 1), null, "limit" },
            { "header length zero", SafetensorsBytes.Build("", 8), null, "JSON" },
            { "not JSON", SafetensorsBytes.Build("hello, world", 0), null, "JSON" },
            { "JSON with trailing garbage", SafetensorsBytes.Build("{} x", 0), null, "JSON" },
            { "JSON array", SafetensorsBytes.Build("[1, 2]", 0), null, "object" },
            { "JSON string", SafetensorsBytes.Build("\"w\"", 0), null, "object" },
            { "nested too deep", SafetensorsBytes.Build(deep, 0), null, "JSON" },
            { "invalid UTF-8", SafetensorsBytes.Build([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), null, "UTF-8" },
            { "entry not an object", SafetensorsBytes.Build("""{"w":5}""", 0), "w", "object" },
            { "missing dtype", SafetensorsBytes.Build("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", 8), "w", "dtype" },
            { "missing shape", SafetensorsBytes.Build("""{"w":{"dtype":"F32","data_offsets":[0,8]}}""", 8), "w", "shape" },
            { "missing data_offsets", SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[2]}}""", 8), "w", "data_offsets" },
            { "unknown dtype", SafetensorsBytes.Build(Entry("w", "F12", "[2]", "[0,8]"), 8), "w", "F12" },
            { "lower-case dtype", SafetensorsBytes.Build(Entry("w", "f32", "[2]", "[0,8]"), 8), "w", "dtype" },
            { "dtype not a string", SafetensorsBytes.Build("""{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}""", 8), "w", "dtype" },
            { "negative dimension", SafetensorsBytes.Build(Entry("w", "F32", "[-2]", "[0,8]"), 8), "w", "shape" },
            { "fractional dimension", SafetensorsBytes.Build(Entry("w", "F32", "[2.5]", "[0,8]"), 8), "w", "shape" },
            { "null dimension", SafetensorsBytes.Build(Entry("w", "F32", "[null]", "[0,8]"), 8), "w", "shape" },
            { "dimension over int range", SafetensorsBytes.Build(Entry("w", "U8", "[3000000000]", "[0,8]"), 8), "w", "shape" },
            { "shape not an array", SafetensorsBytes.Build(Entry("w", "F32", "2", "[0,8]"), 8), "w", "shape" },
            { "shape product overflows", SafetensorsBytes.Build(Entry("w", "F32", "[2147483647,2147483647,2147483647]", "[0,8]"), 8), "w", "overflow" },
            { "shape times size mismatch", SafetensorsBytes.Build(Entry("w", "F32", "[3]", "[0,8]"), 8), "w", "does not match" },
            { "begin after end", SafetensorsBytes.Build(Entry("w", "F32", "[1]", "[8,4]"), 8), "w", "after end" },
            { "end past the buffer", SafetensorsBytes.Build(Entry("w", "F32", "[4]", "[0,16]"), 8), "w", "past" },
            { "negative begin", SafetensorsBytes.Build(Entry("w", "F32", "[3]", "[-4,8]"), 8), "w", "negative" },
            { "offset as string", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "[0,\"8\"]"), 8), "w", "data_offsets" },
            { "fractional offset", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "[0,8.0]"), 8), "w", "data_offsets" },
            { "offset beyond 64 bits", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "[0,1e30]"), 8), "w", "data_offsets" },
            { "three offsets", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "[0,4,8]"), 8), "w", "two integers" },
            { "one offset", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "[8]"), 8), "w", "two integers" },
            { "offsets not an array", SafetensorsBytes.Build(Entry("w", "F32", "[2]", "{\"begin\":0}"), 8), "w", "data_offsets" },
            {
                "overlapping ranges",
                SafetensorsBytes.Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
                "b", "overlaps tensor 'a'"
            },
            {
                "hole between ranges",
                SafetensorsBytes.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12),
                "b", "unindexed"
            },
            { "trailing bytes after the tensors", SafetensorsBytes.Build(ValidHeader, 12), null, "trailing" },
            {
                "duplicate tensor name",
                SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8),
                "w", "twice"
            },
            { "metadata value not a string", SafetensorsBytes.Build("""{"__metadata__":{"format":1}}""", 0), null, "__metadata__.format" },
            { "metadata not an object", SafetensorsBytes.Build("""{"__metadata__":["pt"]}""", 0), null, "__metadata__" },
            { "metadata twice", SafetensorsBytes.Build("""{"__metadata__":{},"__metadata__":{}}""", 0), null, "twice" },
        };
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void CorruptFileIsRejectedWithAMessageThatSaysWhere(string label, byte[] bytes, string? tensor, string expectedText)
    {
        var path = Path.Combine(_dir.Path, "corrupt.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Record.Exception(() => SafetensorsFile.Open(path).Dispose());

        var formatError = Assert.IsType<SafetensorsFormatException>(error); // exactly this type, nothing else
        Assert.Contains(path, formatError.Message);
        Assert.True(formatError.Message.Contains(expectedText, StringComparison.Ordinal),
            $"{label}: expected \"{expectedText}\" in: {formatError.Message}");
        Assert.Equal(tensor, formatError.TensorName);
        if (tensor is not null) Assert.Contains($"tensor '{tensor}'", formatError.Message);
    }

    [Fact]
    public void TheUncorruptedBaseOfTheVariantsOpens()
    {
        // Guards the theory above: its variants fail because of what was changed, not because the base is bad.
        var path = Path.Combine(_dir.Path, "valid.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build(ValidHeader, SafetensorsBytes.Floats(1f, 2f)));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([1f, 2f], file.ReadFloat32("w"));
    }

    [Fact]
    public void VariantsAreManyAndDistinct()
    {
        var labels = Variants().Select(row => (string)row[0]).ToList();
        Assert.True(labels.Count >= 20);
        Assert.Equal(labels.Count, labels.Distinct().Count());
    }
}
