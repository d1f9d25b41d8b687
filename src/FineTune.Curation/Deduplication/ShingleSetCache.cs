namespace FineTune.Curation.Deduplication;

/// <summary>
/// Shingle sets of the texts being confirmed, rebuilt on demand rather than kept for every text. Holds at most
/// <c>capacity</c> sets and starts afresh when full: buckets are small, so nearly every set is built once.
/// </summary>
internal sealed class ShingleSetCache(IReadOnlyList<string> texts, int capacity)
{
    private readonly ShingleHasher _hasher = new();
    private readonly Dictionary<int, ulong[]> _sets = [];

    public ulong[] Get(int index)
    {
        if (_sets.TryGetValue(index, out var set)) return set;
        if (_sets.Count >= capacity) _sets.Clear();
        return _sets[index] = _hasher.Set(texts[index]);
    }
}
