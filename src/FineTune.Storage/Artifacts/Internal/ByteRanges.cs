using System.Globalization;

namespace FineTune.Storage.Artifacts.Internal;

/// <summary>
/// The one reading of <see cref="ByteRange"/> every store applies, with HTTP's rules: To past the
/// end is clamped to the end; a range that starts at or after the end (any range of an empty
/// object included) cannot be satisfied.
/// </summary>
internal static class ByteRanges
{
    /// <summary>Rejects ranges that are malformed whatever the object (negative start, end before start).</summary>
    public static void Validate(ByteRange? range)
    {
        if (range is not { } r) return;
        if (r.From < 0)
            throw new ArgumentOutOfRangeException(nameof(range), r.From, "A byte range cannot start before byte 0.");
        if (r.To is { } to && to < r.From)
            throw new ArgumentOutOfRangeException(nameof(range), to, $"The byte range {Format(r)} ends before it starts.");
    }

    /// <summary>The offset and byte count to read from an object of <paramref name="length"/> bytes.</summary>
    public static (long Offset, long Count) Resolve(ByteRange? range, long length, string key, string store)
    {
        Validate(range);
        if (range is not { } r) return (0, length);
        if (r.From >= length) throw NotSatisfiable(key, r, store, length);
        var last = Math.Min(r.To ?? long.MaxValue, length - 1);
        return (r.From, last - r.From + 1);
    }

    public static ArtifactStoreException NotSatisfiable(string key, ByteRange range, string store, long? length) =>
        new($"Byte range {Format(range)} of artifact '{key}' in {store} cannot be satisfied: it starts at or after the end of the object" +
            (length is { } l ? $" ({l.ToString(CultureInfo.InvariantCulture)} bytes)." : "."));

    /// <summary><c>bytes=From-To</c> (To empty when open-ended), culture-independent, as HTTP writes it.</summary>
    public static string Format(ByteRange range) =>
        $"bytes={range.From.ToString(CultureInfo.InvariantCulture)}-{range.To?.ToString(CultureInfo.InvariantCulture)}";
}
