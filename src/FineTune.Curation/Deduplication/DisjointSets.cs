namespace FineTune.Curation.Deduplication;

/// <summary>Union-find over indices 0..n−1, for duplicate relations that are transitive by definition.</summary>
internal sealed class DisjointSets
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public DisjointSets(int count)
    {
        _parent = new int[count];
        for (var i = 0; i < count; i++) _parent[i] = i;
        _size = new int[count];
        Array.Fill(_size, 1);
    }

    public int Find(int i)
    {
        while (_parent[i] != i) i = _parent[i] = _parent[_parent[i]];
        return i;
    }

    public bool Same(int i, int j) => Find(i) == Find(j);

    public void Union(int i, int j)
    {
        var (a, b) = (Find(i), Find(j));
        if (a == b) return;
        if (_size[a] < _size[b]) (a, b) = (b, a); // the smaller tree goes under, keeping finds short
        _parent[b] = a;
        _size[a] += _size[b];
    }

    /// <summary>Sets of two or more, each sorted, in order of their first index.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Groups()
    {
        var groups = new List<IReadOnlyList<int>>();
        var byRoot = new Dictionary<int, List<int>>();
        // ascending indices fill each set in order and meet the sets in order of their first members
        for (var i = 0; i < _parent.Length; i++)
        {
            var root = Find(i);
            if (_size[root] < 2) continue;
            if (!byRoot.TryGetValue(root, out var group))
            {
                byRoot[root] = group = new List<int>(_size[root]);
                groups.Add(group);
            }
            group.Add(i);
        }
        return groups;
    }
}
