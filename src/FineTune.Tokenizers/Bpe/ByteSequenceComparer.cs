using System.Runtime.InteropServices;

namespace FineTune.Tokenizers.Bpe;

/// <summary>Compares byte arrays by content and lets dictionaries keyed by them be probed with spans (no allocation per lookup).</summary>
internal sealed class ByteSequenceComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteSequenceComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    // Most keys are pre-tokens of a few bytes: hash up to 8 of them as one word and mix, longer
    // keys go through HashCode's byte hashing.
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
        ulong word = 0;
        bytes.CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref word)));
        word = (word ^ (ulong)bytes.Length << 59) * 0x9E3779B97F4A7C15UL;
        return (int)(word >> 32) ^ (int)word;
    }
}
