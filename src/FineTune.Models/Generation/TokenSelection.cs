namespace FineTune.Models.Generation;

/// <summary>
/// Partial selection of the most likely token ids without sorting the vocabulary. Top-k, top-p and
/// min-p each keep a prefix of one order — higher logit first, equal logits by lower id, a strict
/// total order — so it is enough to find where the prefix ends: a k-sized heap or quickselect does
/// that in expected O(V), leaving the kept ids in an unspecified but deterministic order.
/// </summary>
internal static class TokenSelection
{
    // Whether id a precedes id b in the order every filter cuts.
    public static bool ComesBefore(ReadOnlySpan<float> logits, int a, int b) =>
        logits[a] > logits[b] || (logits[a] == logits[b] && a < b);

    // Below this share of the candidates, top-k scans with a k-sized heap (most ids cost one
    // comparison with the heap's worst); above it quickselect's expected ~3 passes are cheaper.
    private const int HeapSelectionMaxShareDivisor = 32;

    /// <summary>Rearranges <paramref name="ids"/> so its first <paramref name="count"/> entries are the best ones.</summary>
    // ids: (N) distinct ids into logits (V)
    public static void SelectBest(Span<int> ids, int count, ReadOnlySpan<float> logits)
    {
        if (count <= 0 || count >= ids.Length) return;
        if (count <= ids.Length / HeapSelectionMaxShareDivisor) SelectBestWithHeap(ids, count, logits);
        else SelectBestWithQuickselect(ids, count, logits);
    }

    private static void SelectBestWithQuickselect(Span<int> ids, int count, ReadOnlySpan<float> logits)
    {
        int lo = 0, hi = ids.Length - 1;
        while (lo < hi)
        {
            int pivot = Partition(ids, lo, hi, logits);
            if (pivot == count - 1) return;
            if (pivot > count - 1) hi = pivot - 1;
            else lo = pivot + 1;
        }
    }

    // ids[..count] is kept as a heap whose root is its worst id; a better id swaps places with the root.
    private static void SelectBestWithHeap(Span<int> ids, int count, ReadOnlySpan<float> logits)
    {
        Span<int> heap = ids[..count];
        for (int i = count / 2 - 1; i >= 0; i--) SiftWorstUp(heap, i, logits);
        float worstLogit = logits[heap[0]];
        for (int i = count; i < ids.Length; i++)
        {
            if (logits[ids[i]] < worstLogit || !ComesBefore(logits, ids[i], heap[0])) continue;
            Swap(ids, 0, i);
            SiftWorstUp(heap, 0, logits);
            worstLogit = logits[heap[0]];
        }
    }

    // Restores "every parent comes after its children" below position i.
    private static void SiftWorstUp(Span<int> heap, int i, ReadOnlySpan<float> logits)
    {
        int id = heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= heap.Length) break;
            if (child + 1 < heap.Length && ComesBefore(logits, heap[child], heap[child + 1])) child++;
            if (!ComesBefore(logits, id, heap[child])) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = id;
    }

    /// <summary>
    /// Rearranges <paramref name="ids"/> so that a prefix holds the fewest best ids whose weights
    /// sum to at least <paramref name="mass"/>, and returns that prefix's length (all of them if
    /// rounding leaves the total just short).
    /// </summary>
    // ids: (N) distinct ids; weightOf, logits: (V)
    public static int SelectMass(Span<int> ids, double mass, ReadOnlySpan<double> weightOf, ReadOnlySpan<float> logits)
    {
        // ids[..lo] are known to be in the prefix and weigh `before` < mass; the prefix ends by hi + 1.
        int lo = 0, hi = ids.Length - 1;
        double before = 0;
        while (lo <= hi)
        {
            int pivot = Partition(ids, lo, hi, logits);
            double better = 0;
            for (int i = lo; i < pivot; i++) better += weightOf[ids[i]];
            if (before + better >= mass) { hi = pivot - 1; continue; }
            double throughPivot = before + better + weightOf[ids[pivot]];
            if (throughPivot >= mass) return pivot + 1;
            before = throughPivot;
            lo = pivot + 1;
        }
        return lo;
    }

    // Lomuto partition of ids[lo..hi] around the median of first, middle and last → the pivot's final index.
    private static int Partition(Span<int> ids, int lo, int hi, ReadOnlySpan<float> logits)
    {
        int mid = lo + (hi - lo) / 2;
        // Order the three samples so the median lands at hi, where Lomuto expects the pivot.
        if (ComesBefore(logits, ids[mid], ids[lo])) Swap(ids, lo, mid);
        if (ComesBefore(logits, ids[hi], ids[lo])) Swap(ids, lo, hi);
        if (ComesBefore(logits, ids[mid], ids[hi])) Swap(ids, mid, hi);
        int pivotId = ids[hi];
        int store = lo;
        for (int i = lo; i < hi; i++)
            if (ComesBefore(logits, ids[i], pivotId)) Swap(ids, i, store++);
        Swap(ids, store, hi);
        return store;
    }

    private static void Swap(Span<int> ids, int a, int b) => (ids[a], ids[b]) = (ids[b], ids[a]);
}
