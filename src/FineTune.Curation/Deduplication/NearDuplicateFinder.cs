namespace FineTune.Curation.Deduplication;

/// <summary>
/// Near-duplicate clusters by MinHash with locality-sensitive hashing: each text becomes the set of
/// its character 5-grams (lower-cased, whitespace collapsed), a signature of <c>permutations</c>
/// minimum hashes estimates the Jaccard similarity of two sets, and signatures that agree on all rows
/// of at least one of <c>bands</c> bands become candidate pairs. Candidates are confirmed by their
/// exact Jaccard similarity, so LSH only decides which pairs are compared, never which are kept.
/// With 16 bands of 8 rows, a pair at Jaccard 0.8 becomes a candidate with probability
/// 1 − (1 − 0.8⁸)¹⁶ ≈ 0.94, and at 0.5 with probability 0.06.
/// </summary>
public sealed class NearDuplicateFinder
{
    public const int ShingleLength = 5;
    private readonly ulong[] _seeds;
    private readonly int _bands;
    private readonly int _rows;

    public NearDuplicateFinder(double threshold = 0.8, int permutations = 128, int bands = 16, ulong seed = 1)
    {
        if (threshold is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The Jaccard threshold must be in (0, 1].");
        if (permutations < 1 || bands < 1 || permutations % bands != 0)
            throw new ArgumentException($"{permutations} permutations do not split into {bands} equal bands.", nameof(bands));
        Threshold = threshold;
        _bands = bands;
        _rows = permutations / bands;
        _seeds = new ulong[permutations];
        var state = seed;
        for (var i = 0; i < permutations; i++) _seeds[i] = Mix(state += 0x9E3779B97F4A7C15);
    }

    public double Threshold { get; }

    /// <summary>Groups of two or more indices whose texts are near-duplicates (transitively), each sorted, in order of their first index.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Clusters(IReadOnlyList<string> texts)
    {
        var shingles = texts.Select(Shingles).ToArray();
        var parent = Enumerable.Range(0, texts.Count).ToArray();
        int Find(int i) { while (parent[i] != i) i = parent[i] = parent[parent[i]]; return i; }

        var compared = new HashSet<(int, int)>();
        for (var band = 0; band < _bands; band++)
        {
            var buckets = new Dictionary<ulong, List<int>>();
            for (var i = 0; i < texts.Count; i++)
            {
                if (shingles[i].Count == 0) continue;
                var key = BandKey(shingles[i], band);
                if (!buckets.TryGetValue(key, out var bucket)) buckets[key] = bucket = [];
                bucket.Add(i);
            }
            foreach (var bucket in buckets.Values.Where(b => b.Count > 1))
                for (var a = 0; a < bucket.Count; a++)
                    for (var b = a + 1; b < bucket.Count; b++)
                    {
                        var (i, j) = (bucket[a], bucket[b]);
                        if (Find(i) == Find(j) || !compared.Add((i, j))) continue;
                        if (Jaccard(shingles[i], shingles[j]) >= Threshold) parent[Find(j)] = Find(i);
                    }
        }
        return Enumerable.Range(0, texts.Count).GroupBy(Find).Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<int>)[.. g.Order()]).OrderBy(g => g[0]).ToList();
    }

    /// <summary>Exact Jaccard similarity of two texts' shingle sets.</summary>
    public static double Jaccard(string a, string b) => Jaccard(Shingles(a), Shingles(b));

    private static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        if (a.Count == 0 && b.Count == 0) return 1;
        var common = a.Count < b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return (double)common / (a.Count + b.Count - common);
    }

    // one band's rows of the MinHash signature, folded into one key
    private ulong BandKey(HashSet<ulong> shingles, int band)
    {
        ulong key = (ulong)band;
        for (var r = band * _rows; r < (band + 1) * _rows; r++)
        {
            var seed = _seeds[r];
            var min = ulong.MaxValue;
            foreach (var s in shingles) min = Math.Min(min, Mix(s ^ seed));
            key = Mix(key ^ min);
        }
        return key;
    }

    /// <summary>The hashed character 5-grams of the text, lower-cased with whitespace collapsed (a shorter text is one shingle).</summary>
    internal static HashSet<ulong> Shingles(string text)
    {
        var normalized = string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var set = new HashSet<ulong>();
        if (normalized.Length == 0) return set;
        if (normalized.Length <= ShingleLength) { set.Add(Hash(normalized)); return set; }
        for (var i = 0; i + ShingleLength <= normalized.Length; i++) set.Add(Hash(normalized.AsSpan(i, ShingleLength)));
        return set;
    }

    // FNV-1a over the UTF-16 code units, then mixed: stable across processes (string.GetHashCode is not)
    private static ulong Hash(ReadOnlySpan<char> text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text) h = (h ^ c) * 1099511628211UL;
        return Mix(h);
    }

    // SplitMix64's finalizer: spreads every input bit over the output
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
