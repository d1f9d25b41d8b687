namespace FineTune.Models.Serving;

/// <summary>One entry of a <see cref="LeasedCache{T}"/> as it stands; a larger <paramref name="LastUsed"/> is more recent.</summary>
public sealed record CachedEntry<T>(string Key, T Value, long Bytes, int Leases, long LastUsed);

/// <summary>
/// Things loaded on demand (served adapters and model versions) kept while they fit a memory budget,
/// least recently used first out. A caller holds a <see cref="Lease"/> for as long as it uses the
/// value; a leased entry is never evicted, so a request in flight keeps its adapter even while others
/// push the cache past its budget — the cache then stays over budget until leases end, and shrinks
/// as they do. Loading is single-flight: concurrent requests for one key share one load, and a failed
/// load is forgotten so the next request tries again. Evicted values are disposed.
/// </summary>
public sealed class LeasedCache<T>(long budgetBytes, Action<string>? evicted = null) where T : class, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _clock;

    public long BudgetBytes { get; } = budgetBytes >= 0 ? budgetBytes : throw new ArgumentOutOfRangeException(nameof(budgetBytes), budgetBytes, "the budget cannot be negative");

    /// <summary>Bytes of everything loaded now, leased or not.</summary>
    public long Bytes { get { lock (_gate) return _entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes); } }

    /// <summary>Loaded entries, most recently used first (a snapshot).</summary>
    public IReadOnlyList<CachedEntry<T>> Entries
    {
        get { lock (_gate) return [.. _entries.Values.Where(e => e.Loaded).OrderByDescending(e => e.LastUsed).Select(e => new CachedEntry<T>(e.Key, e.Value!, e.Bytes, e.Leases, e.LastUsed))]; }
    }

    /// <summary>
    /// The value under <paramref name="key"/>, loaded by <paramref name="load"/> (value and its bytes) if it
    /// is not here, leased until the lease is disposed. Loading may evict idle entries to make room.
    /// </summary>
    public async Task<Lease> AcquireAsync(string key, Func<CancellationToken, Task<(T Value, long Bytes)>> load, CancellationToken cancellationToken = default)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out entry!))
                _entries[key] = entry = new Entry(key, new Lazy<Task<(T, long)>>(() => load(CancellationToken.None)));
            entry.Leases++;
            entry.LastUsed = ++_clock;
        }
        (T Value, long Bytes) loaded;
        try { loaded = await entry.Loading.Value.WaitAsync(cancellationToken); }
        catch (Exception)
        {
            lock (_gate)
            {
                entry.Leases--;
                if (entry.Loading.Value.IsFaulted && _entries.GetValueOrDefault(key) == entry) _entries.Remove(key);
            }
            throw;
        }
        lock (_gate)
        {
            entry.Bytes = loaded.Bytes;
            entry.Value = loaded.Value;
        }
        await DisposeAsync(TakeVictims());
        return new Lease(key, loaded.Value, () => ReleaseAsync(entry));
    }

    /// <summary>
    /// Forgets the entry (the next request loads it afresh) and disposes it now if idle, else when its
    /// last lease ends. False when nothing is loaded under the key.
    /// </summary>
    public async Task<bool> RemoveAsync(string key)
    {
        Entry? victim = null;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || !entry.Loaded) return false;
            _entries.Remove(key);
            entry.Doomed = true;
            if (entry.Leases == 0) victim = entry;
        }
        if (victim is not null) await DisposeAsync([victim]);
        return true;
    }

    /// <summary>Disposes every idle entry and forgets all; for shutdown.</summary>
    public async Task ClearAsync()
    {
        List<Entry> all;
        lock (_gate)
        {
            all = [.. _entries.Values.Where(e => e.Loaded)];
            _entries.Clear();
        }
        await DisposeAsync(all);
    }

    private async ValueTask ReleaseAsync(Entry entry)
    {
        List<Entry> victims;
        lock (_gate)
        {
            entry.Leases--;
            entry.LastUsed = ++_clock;
            victims = entry.Doomed && entry.Leases == 0 ? [entry] : [];
        }
        victims.AddRange(TakeVictims());
        await DisposeAsync(victims);
    }

    // the least recently used idle entries, removed until the loaded bytes fit the budget (or nothing idle is left)
    private List<Entry> TakeVictims()
    {
        lock (_gate)
        {
            var victims = new List<Entry>();
            var bytes = _entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes);
            foreach (var idle in _entries.Values.Where(e => e.Loaded && e.Leases == 0).OrderBy(e => e.LastUsed).ToList())
            {
                if (bytes <= BudgetBytes) break;
                _entries.Remove(idle.Key);
                bytes -= idle.Bytes;
                victims.Add(idle);
            }
            return victims;
        }
    }

    private async Task DisposeAsync(List<Entry> victims)
    {
        foreach (var victim in victims)
        {
            evicted?.Invoke(victim.Key);
            await victim.Value!.DisposeAsync();
        }
    }

    private sealed class Entry(string key, Lazy<Task<(T Value, long Bytes)>> loading)
    {
        public string Key { get; } = key;
        public Lazy<Task<(T Value, long Bytes)>> Loading { get; } = loading;
        public long Bytes { get; set; }
        public T? Value { get; set; }
        public bool Loaded => Value is not null;
        public bool Doomed { get; set; }
        public int Leases { get; set; }
        public long LastUsed { get; set; }
    }

    /// <summary>Use of one cached value; dispose it when done so the entry can be evicted.</summary>
    public sealed class Lease : IAsyncDisposable
    {
        private readonly Func<ValueTask> _release;
        private int _released;

        internal Lease(string key, T value, Func<ValueTask> release) => (Key, Value, _release) = (key, value, release);

        public string Key { get; }

        public T Value { get; }

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? _release() : ValueTask.CompletedTask;
    }
}
