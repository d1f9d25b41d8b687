namespace FineTune.Models.Formats;

/// <summary>Element types a safetensors header may name (the spec's spellings, minus sub-byte floats).</summary>
public enum SafetensorsDtype
{
    Bool, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64,
}

public static class SafetensorsDtypes
{
    private static readonly Dictionary<string, SafetensorsDtype> ByName =
        Enum.GetValues<SafetensorsDtype>().ToDictionary(Name, StringComparer.Ordinal);

    /// <summary>The spelling used in headers: "F32", "BF16", "BOOL", …</summary>
    public static string Name(this SafetensorsDtype dtype) =>
        dtype == SafetensorsDtype.Bool ? "BOOL" : dtype.ToString();

    public static int SizeInBytes(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.Bool or SafetensorsDtype.U8 or SafetensorsDtype.I8
            or SafetensorsDtype.F8_E5M2 or SafetensorsDtype.F8_E4M3 => 1,
        SafetensorsDtype.I16 or SafetensorsDtype.U16 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 => 2,
        SafetensorsDtype.I32 or SafetensorsDtype.U32 or SafetensorsDtype.F32 => 4,
        SafetensorsDtype.F64 or SafetensorsDtype.I64 or SafetensorsDtype.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Case-sensitive, as the spec spells them.</summary>
    public static bool TryParse(string name, out SafetensorsDtype dtype) => ByName.TryGetValue(name, out dtype);

    /// <summary>The value Hugging Face's <c>torch_dtype</c> uses for a float dtype.</summary>
    public static string TorchName(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => "float32",
        SafetensorsDtype.F16 => "float16",
        SafetensorsDtype.BF16 => "bfloat16",
        SafetensorsDtype.F64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a float dtype"),
    };
}
