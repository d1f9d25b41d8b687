namespace FineTune.Models.Formats;

/// <summary>
/// One tensor's header entry, already validated. <paramref name="Offset"/> counts from the start of
/// the byte buffer (after the header), as <c>data_offsets</c> does; <paramref name="Length"/> is in bytes.
/// </summary>
public sealed record TensorInfo(string Name, SafetensorsDtype Dtype, int[] Shape, long Offset, long Length)
{
    public long ElementCount => Length / Dtype.SizeInBytes();

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
