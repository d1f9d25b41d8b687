using System.Runtime.InteropServices;

namespace FineTune.Tokenizers.Training;

/// <summary>
/// The merge loop of BPE training over a fixed set of distinct words (pre-tokens with counts).
/// Each merge touches only the words that contain the merged pair: pair counts change by the deltas
/// those words produce, and a max-heap with lazy invalidation finds the next best pair — an entry
/// whose count is out of date is re-queued with the current count when it reaches the top.
/// </summary>
/// <remarks>
/// Pairs are counted with overlaps (<c>aaa</c> holds <c>(a,a)</c> twice) and merged left to right
/// without overlaps, as in Sennrich et al. and Hugging Face's trainer. Ties in count go to the pair
/// whose left token's bytes sort first, then the right's: an order fixed by the corpus alone.
/// <para>
/// No two tokens get the same bytes. A token's span never merges across its edges, so the span is
/// segmented exactly as the same bytes would be as a word of their own; once merge i has made the
/// bytes S into one token, every later occurrence of S between token boundaries is that token, and
/// no later pair can spell S again.
/// </para>
/// </remarks>
internal sealed class PairMerger
{
    readonly List<byte[]> tokens = [];
    readonly List<(int Left, int Right)> merges = [];

    // The words: symbols[w][0..lengths[w]) is word w's current segmentation, seen counts[w] times.
    readonly int[][] symbols;
    readonly int[] lengths;
    readonly long[] counts;
    /// <summary>The last merge that rewrote each word; a word listed twice for a pair is skipped the second time.</summary>
    readonly int[] lastMerge;

    readonly Dictionary<long, long> pairCounts = [];
    /// <summary>Words that contain (or once contained) each pair; may hold stale or repeated entries.</summary>
    readonly Dictionary<long, List<int>> pairWords = [];
    readonly PriorityQueue<long, QueuedPair> queue;
    /// <summary>Net count change of each pair during one merge; reused.</summary>
    readonly Dictionary<long, long> changes = [];

    public PairMerger(IReadOnlyList<(byte[] Bytes, long Count)> words)
    {
        for (var b = 0; b < BpeVocabulary.ByteTokenCount; b++)
            AddToken([(byte)b]);

        symbols = new int[words.Count][];
        lengths = new int[words.Count];
        counts = new long[words.Count];
        lastMerge = new int[words.Count];
        Array.Fill(lastMerge, -1);
        for (var w = 0; w < words.Count; w++)
        {
            var (bytes, count) = words[w];
            symbols[w] = new int[bytes.Length];
            for (var i = 0; i < bytes.Length; i++) symbols[w][i] = bytes[i];
            lengths[w] = bytes.Length;
            counts[w] = count;
            for (var i = 0; i + 1 < bytes.Length; i++)
            {
                var pair = Key(bytes[i], bytes[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += count;
                WordsOf(pair).Add(w);
            }
        }
        queue = new PriorityQueue<long, QueuedPair>(
            pairCounts.Select(p => (p.Key, new QueuedPair(p.Value, Left(p.Key), Right(p.Key)))),
            new BestPairFirst(tokens));
    }

    public IReadOnlyList<byte[]> Tokens => tokens;
    public IReadOnlyList<(int Left, int Right)> Merges => merges;

    /// <summary>Σ count × length over the words: the corpus's length in tokens under the merges so far.</summary>
    public long TotalSymbols
    {
        get
        {
            long total = 0;
            for (var w = 0; w < lengths.Length; w++) total += counts[w] * lengths[w];
            return total;
        }
    }

    /// <summary>
    /// Makes the best merge if some pair occurs at least <paramref name="minFrequency"/> times;
    /// false when none does.
    /// </summary>
    public bool TryMergeNext(long minFrequency)
    {
        while (queue.TryDequeue(out var pair, out var queued))
        {
            var current = pairCounts.GetValueOrDefault(pair);
            if (current != queued.Count)
            {
                // Out of date: the pair lost occurrences since it was queued. Its true rank comes later.
                if (current > 0) queue.Enqueue(pair, queued with { Count = current });
                continue;
            }
            if (current < minFrequency) return false;   // the best pair left is too rare
            Merge(pair);
            return true;
        }
        return false;
    }

    void Merge(long pair)
    {
        int left = Left(pair), right = Right(pair);
        var mergeIndex = merges.Count;
        var created = AddToken(Concat(tokens[left], tokens[right]));
        merges.Add((left, right));

        changes.Clear();
        foreach (var w in pairWords[pair])
        {
            if (lastMerge[w] == mergeIndex) continue;
            lastMerge[w] = mergeIndex;
            MergeInWord(w, left, right, created);
        }
        pairWords.Remove(pair);

        foreach (var (changed, delta) in changes)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, changed, out _);
            count += delta;
            if (count == 0)
            {
                pairCounts.Remove(changed);
                pairWords.Remove(changed);
            }
            else if (delta > 0)
            {
                // Only a rise needs a new entry: a pair's queued counts never fall below its true count.
                queue.Enqueue(changed, new QueuedPair(count, Left(changed), Right(changed)));
            }
        }
    }

    /// <summary>
    /// Replaces every non-overlapping (left, right) in word <paramref name="w"/>, scanning left to
    /// right, with <paramref name="created"/>, and records the pair-count changes that causes:
    /// <c>x a b y → x Z y</c> takes one (x,a), (a,b), (b,y) away and adds one (x,Z), (Z,y).
    /// </summary>
    void MergeInWord(int w, int left, int right, int created)
    {
        var s = symbols[w];
        var length = lengths[w];
        var count = counts[w];
        int read = 0, write = 0;
        while (read < length)
        {
            if (read + 1 < length && s[read] == left && s[read + 1] == right)
            {
                Change(left, right, -count, w);
                // The left neighbour is the last symbol written: a Z made just before when merges touch.
                if (write > 0)
                {
                    Change(s[write - 1], left, -count, w);
                    Change(s[write - 1], created, count, w);
                }
                if (read + 2 < length)
                {
                    Change(right, s[read + 2], -count, w);
                    Change(created, s[read + 2], count, w);
                }
                s[write++] = created;
                read += 2;
            }
            else
            {
                s[write++] = s[read++];
            }
        }
        lengths[w] = write;
    }

    void Change(int left, int right, long delta, int word)
    {
        var pair = Key(left, right);
        CollectionsMarshal.GetValueRefOrAddDefault(changes, pair, out _) += delta;
        if (delta > 0) WordsOf(pair).Add(word);
    }

    List<int> WordsOf(long pair)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(pairWords, pair, out _);
        return list ??= [];
    }

    int AddToken(byte[] bytes)
    {
        tokens.Add(bytes);
        return tokens.Count - 1;
    }

    static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }

    static long Key(int left, int right) => ((long)left << 32) | (uint)right;
    static int Left(long pair) => (int)(pair >> 32);
    static int Right(long pair) => (int)(uint)pair;

    readonly record struct QueuedPair(long Count, int Left, int Right);

    /// <summary>Orders the min-heap so that its top is the most frequent pair, ties to the smaller bytes.</summary>
    sealed class BestPairFirst(List<byte[]> tokens) : IComparer<QueuedPair>
    {
        public int Compare(QueuedPair x, QueuedPair y)
        {
            if (x.Count != y.Count) return y.Count.CompareTo(x.Count);
            var byLeft = tokens[x.Left].AsSpan().SequenceCompareTo(tokens[y.Left]);
            return byLeft != 0 ? byLeft : tokens[x.Right].AsSpan().SequenceCompareTo(tokens[y.Right]);
        }
    }
}
