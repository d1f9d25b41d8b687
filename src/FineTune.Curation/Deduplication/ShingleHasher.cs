namespace FineTune.Curation.Deduplication;

/// <summary>
/// The hashed character 5-grams of a normalized text (a text of five characters or fewer is one shingle, an empty
/// one has none). Keeps its buffers between texts, so use one instance per thread.
/// </summary>
internal sealed class ShingleHasher
{
    private char[] _chars = [];
    private ulong[] _hashes = [];

    /// <summary>One hash per shingle position, repeats included (a minimum does not care); valid until the next call.</summary>
    public ReadOnlySpan<ulong> Hashes(string text)
    {
        var normalized = TextNormalization.Normalize(text, ref _chars);
        if (normalized.Length <= NearDuplicateFinder.ShingleLength)
        {
            if (normalized.Length == 0) return [];
            _hashes = _hashes.Length > 0 ? _hashes : new ulong[1];
            _hashes[0] = Hash(normalized);
            return _hashes.AsSpan(0, 1);
        }
        var count = normalized.Length - NearDuplicateFinder.ShingleLength + 1;
        if (_hashes.Length < count) _hashes = new ulong[Math.Max(count, _hashes.Length * 2)];
        for (var i = 0; i < count; i++) _hashes[i] = Hash(normalized.Slice(i, NearDuplicateFinder.ShingleLength));
        return _hashes.AsSpan(0, count);
    }

    /// <summary>The shingle set, as distinct hashes in ascending order.</summary>
    public ulong[] Set(string text)
    {
        var count = Hashes(text).Length; // first: it may replace the buffer
        var hashes = _hashes.AsSpan(0, count);
        hashes.Sort();
        var distinct = hashes.IsEmpty ? 0 : 1;
        for (var i = 1; i < hashes.Length; i++)
            if (hashes[i] != hashes[distinct - 1]) hashes[distinct++] = hashes[i];
        return hashes[..distinct].ToArray();
    }

    /// <summary>Jaccard similarity of two sets from <see cref="Set"/>; two empty sets are the same set.</summary>
    public static double Jaccard(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.IsEmpty && b.IsEmpty) return 1;
        int i = 0, j = 0, common = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { common++; i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        return (double)common / (a.Length + b.Length - common);
    }

    // FNV-1a over the UTF-16 code units, then mixed: stable across processes (string.GetHashCode is not)
    private static ulong Hash(ReadOnlySpan<char> shingle)
    {
        var h = 14695981039346656037UL;
        foreach (var c in shingle) h = (h ^ c) * 1099511628211UL;
        return SplitMix.Mix(h);
    }
}
