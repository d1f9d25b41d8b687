namespace FineTune.Curation.Deduplication;

/// <summary>
/// Near-duplicate clusters by MinHash with locality-sensitive hashing: each text becomes the set of
/// its character 5-grams (lower-cased, whitespace collapsed), a signature of <c>permutations</c>
/// minimum hashes estimates the Jaccard similarity of two sets, and signatures that agree on all rows
/// of at least one of <c>bands</c> bands become candidate pairs. Candidates are confirmed by their
/// exact Jaccard similarity, so LSH only decides which pairs are compared, never which are kept.
/// With 16 bands of 8 rows, a pair at Jaccard 0.8 becomes a candidate with probability
/// 1 − (1 − 0.8⁸)¹⁶ ≈ 0.94, and at 0.5 with probability 0.06.
/// Exact duplicates (see <see cref="ExactDuplicates"/>) are joined up front and stand in buckets as one text, so a
/// thousand copies of one text cost one signature and no pairwise comparisons. Only the band keys are kept per
/// text; shingle sets are rebuilt for the candidates being confirmed.
/// </summary>
public sealed class NearDuplicateFinder
{
    public const int ShingleLength = 5;
    private const int TextsPerTask = 512;
    private const int CachedShingleSets = 4096;
    private readonly MinHasher _minHasher;
    private readonly int _bands;

    public NearDuplicateFinder(double threshold = 0.8, int permutations = 128, int bands = 16, ulong seed = 1)
    {
        if (threshold is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The Jaccard threshold must be in (0, 1].");
        if (permutations < 1 || bands < 1 || permutations % bands != 0)
            throw new ArgumentException($"{permutations} permutations do not split into {bands} equal bands.", nameof(bands));
        Threshold = threshold;
        _bands = bands;
        _minHasher = new MinHasher(permutations, seed);
    }

    public double Threshold { get; }

    /// <summary>Groups of two or more indices whose texts are near-duplicates (transitively), each sorted, in order of their first index.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Clusters(IReadOnlyList<string> texts)
    {
        var sets = new DisjointSets(texts.Count);
        var representatives = JoinExactCopies(texts, sets);
        var bandKeys = BandKeys(texts, representatives);

        var cache = new ShingleSetCache(texts, CachedShingleSets);
        var rejected = new HashSet<(int, int)>(); // a dissimilar pair may share several bands; compare it once
        var keys = new ulong[representatives.Length];
        var members = new int[representatives.Length];
        for (var band = 0; band < _bands; band++)
        {
            for (var k = 0; k < representatives.Length; k++) (keys[k], members[k]) = (bandKeys[k * _bands + band], representatives[k]);
            Array.Sort(keys, members); // a bucket is a run of equal keys
            for (var start = 0; start < keys.Length;)
            {
                var end = start + 1;
                while (end < keys.Length && keys[end] == keys[start]) end++;
                ConfirmBucket(members.AsSpan(start, end - start), sets, cache, rejected);
                start = end;
            }
        }
        return sets.Groups();
    }

    /// <summary>Exact Jaccard similarity of two texts' shingle sets.</summary>
    public static double Jaccard(string a, string b)
    {
        var hasher = new ShingleHasher();
        return ShingleHasher.Jaccard(hasher.Set(a), hasher.Set(b));
    }

    // Unions each group of exact copies and returns the texts that stand for them (one per group, and every other
    // text), leaving out blank ones: a text with no shingles is nobody's near-duplicate, not even another blank one's.
    private static int[] JoinExactCopies(IReadOnlyList<string> texts, DisjointSets sets)
    {
        var isLaterCopy = new bool[texts.Count];
        foreach (var group in ExactDuplicates.Groups(texts).Where(g => !string.IsNullOrWhiteSpace(texts[g[0]])))
            for (var k = 1; k < group.Count; k++)
            {
                sets.Union(group[0], group[k]);
                isLaterCopy[group[k]] = true;
            }
        return [.. Enumerable.Range(0, texts.Count).Where(i => !isLaterCopy[i] && !string.IsNullOrWhiteSpace(texts[i]))];
    }

    // Each representative's band keys, at [k * bands, (k + 1) * bands): the signature itself lives only while its text is hashed.
    private ulong[] BandKeys(IReadOnlyList<string> texts, int[] representatives)
    {
        var keys = new ulong[representatives.Length * _bands];
        ParallelRanges.For(representatives.Length, TextsPerTask, (from, to) =>
        {
            var hasher = new ShingleHasher();
            var signature = new ulong[_minHasher.Permutations];
            for (var k = from; k < to; k++)
            {
                _minHasher.Signature(hasher.Hashes(texts[representatives[k]]), signature);
                MinHasher.BandKeys(signature, keys.AsSpan(k * _bands, _bands));
            }
        });
        return keys;
    }

    private void ConfirmBucket(ReadOnlySpan<int> bucket, DisjointSets sets, ShingleSetCache cache, HashSet<(int, int)> rejected)
    {
        for (var a = 0; a < bucket.Length; a++)
        {
            ulong[]? first = null;
            for (var b = a + 1; b < bucket.Length; b++)
            {
                var pair = (Math.Min(bucket[a], bucket[b]), Math.Max(bucket[a], bucket[b]));
                if (sets.Same(bucket[a], bucket[b]) || rejected.Contains(pair)) continue;
                first ??= cache.Get(bucket[a]);
                if (ShingleHasher.Jaccard(first, cache.Get(bucket[b])) >= Threshold) sets.Union(bucket[a], bucket[b]);
                else rejected.Add(pair);
            }
        }
    }
}
