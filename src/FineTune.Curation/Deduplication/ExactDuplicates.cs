using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FineTune.Curation.Deduplication;

/// <summary>
/// Exact duplicates after normalization: texts that are identical once lower-cased (invariant) with whitespace
/// runs collapsed to one space and the ends trimmed — the same normalization near-duplicate detection shingles.
/// Texts are compared by the SHA-256 of their normalized UTF-16 code units (little-endian), which
/// <see cref="NormalizedHash"/> reports in hex; grouping keys on the first 128 bits of it. Two different texts share
/// those bits by accident with probability at most n²/2¹²⁹ among n texts (about 10⁻²³ for a hundred million),
/// and contriving such a pair takes about 2⁶⁴ SHA-256 evaluations, so equal keys are treated as equal texts.
/// Texts that are empty or only whitespace normalize to the same empty text and group together.
/// </summary>
public static class ExactDuplicates
{
    private const int TextsPerTask = 1024;

    /// <summary>Groups of two or more indices whose normalized texts are identical, each sorted, in order of their first index.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Groups(IReadOnlyList<string> texts)
    {
        var keys = new UInt128[texts.Count];
        ParallelRanges.For(texts.Count, TextsPerTask, (from, to) =>
        {
            char[] buffer = [];
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            for (var i = from; i < to; i++)
            {
                Digest(texts[i], ref buffer, digest);
                keys[i] = BinaryPrimitives.ReadUInt128BigEndian(digest);
            }
        });

        var sets = new DisjointSets(texts.Count);
        var firstWithKey = new Dictionary<UInt128, int>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
            if (!firstWithKey.TryAdd(keys[i], i)) sets.Union(firstWithKey[keys[i]], i);
        return sets.Groups();
    }

    /// <summary>The SHA-256 of the text's normalized form, as 64 lower-case hex digits: equal exactly for texts <see cref="Groups"/> puts together.</summary>
    public static string NormalizedHash(string text)
    {
        char[] buffer = [];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(text, ref buffer, digest);
        return Convert.ToHexStringLower(digest);
    }

    private static void Digest(string text, ref char[] buffer, Span<byte> digest)
    {
        var normalized = TextNormalization.Normalize(text, ref buffer);
        // the code units themselves, not an encoding of them: UTF-8 would map every lone surrogate to U+FFFD and merge distinct texts
        if (!BitConverter.IsLittleEndian)
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<char, ushort>(normalized), MemoryMarshal.Cast<char, ushort>(normalized));
        SHA256.HashData(MemoryMarshal.AsBytes((ReadOnlySpan<char>)normalized), digest);
    }
}
