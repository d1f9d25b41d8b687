using FineTune.Models.Serving;

namespace FineTune.Models.Tests.Serving;

/// <summary>The LRU of loaded adapters and versions: a memory budget, leases that pin, single-flight loads.</summary>
public sealed class LeasedCacheSpecs
{
    private sealed class Loaded(string name) : IAsyncDisposable
    {
        public string Name { get; } = name;
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private static Func<CancellationToken, Task<(Loaded, long)>> Load(string name, long bytes, List<string>? loads = null) => _ =>
    {
        loads?.Add(name);
        return Task.FromResult((new Loaded(name), bytes));
    };

    [Fact]
    public async Task Past_the_budget_the_least_recently_used_idle_entry_is_evicted_and_disposed()
    {
        var evicted = new List<string>();
        var cache = new LeasedCache<Loaded>(budgetBytes: 250, evicted.Add);
        var a = await cache.AcquireAsync("a", Load("a", 100));
        var b = await cache.AcquireAsync("b", Load("b", 100));
        await a.DisposeAsync();
        await b.DisposeAsync();
        await (await cache.AcquireAsync("a", Load("a", 100))).DisposeAsync(); // a is now more recent than b

        await using var c = await cache.AcquireAsync("c", Load("c", 100));

        Assert.Equal(["b"], evicted);
        Assert.True(b.Value.Disposed);
        Assert.False(a.Value.Disposed);
        Assert.Equal(["c", "a"], cache.Entries.Select(e => e.Key));
        Assert.Equal(200, cache.Bytes);
    }

    [Fact]
    public async Task A_leased_entry_is_never_evicted_so_the_cache_runs_over_budget_until_the_lease_ends()
    {
        var cache = new LeasedCache<Loaded>(budgetBytes: 150);
        var a = await cache.AcquireAsync("a", Load("a", 100));
        var b = await cache.AcquireAsync("b", Load("b", 100));

        Assert.Equal(200, cache.Bytes);
        Assert.False(a.Value.Disposed);
        Assert.False(b.Value.Disposed);

        await a.DisposeAsync();

        Assert.True(a.Value.Disposed);
        Assert.Equal(["b"], cache.Entries.Select(e => e.Key));
        Assert.Equal(1, cache.Entries[0].Leases);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_key_share_one_load()
    {
        var cache = new LeasedCache<Loaded>(budgetBytes: 1000);
        var gate = new TaskCompletionSource();
        var loads = 0;
        var first = cache.AcquireAsync("a", async _ => { Interlocked.Increment(ref loads); await gate.Task; return (new Loaded("a"), 10L); });
        var second = cache.AcquireAsync("a", async _ => { Interlocked.Increment(ref loads); await gate.Task; return (new Loaded("a"), 10L); });
        gate.SetResult();

        var leases = await Task.WhenAll(first, second);

        Assert.Equal(1, loads);
        Assert.Same(leases[0].Value, leases[1].Value);
        Assert.Equal(2, cache.Entries.Single().Leases);
    }

    [Fact]
    public async Task A_failed_load_is_not_kept_and_the_next_request_loads_again()
    {
        var cache = new LeasedCache<Loaded>(budgetBytes: 1000);

        await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync("a", _ => Task.FromException<(Loaded, long)>(new InvalidDataException("bad adapter"))));
        await using var lease = await cache.AcquireAsync("a", Load("a", 10));

        Assert.Equal("a", lease.Value.Name);
        Assert.Single(cache.Entries);
    }

    [Fact]
    public async Task Removing_an_entry_in_use_disposes_it_when_its_last_lease_ends_and_the_next_request_loads_it_afresh()
    {
        var loads = new List<string>();
        var cache = new LeasedCache<Loaded>(budgetBytes: 1000);
        var held = await cache.AcquireAsync("a", Load("a", 10, loads));

        Assert.True(await cache.RemoveAsync("a"));
        Assert.False(held.Value.Disposed);
        Assert.Empty(cache.Entries);

        await held.DisposeAsync();
        await held.DisposeAsync(); // a second dispose releases nothing more

        Assert.True(held.Value.Disposed);
        await using var fresh = await cache.AcquireAsync("a", Load("a", 10, loads));
        Assert.NotSame(held.Value, fresh.Value);
        Assert.Equal(["a", "a"], loads);
        Assert.False(await cache.RemoveAsync("missing"));
    }
}
