using System.Collections.Concurrent;

namespace FineTune.ServiceDefaults;

/// <summary>
/// One holder at a time per key in this process — a dataset being curated, a model taking a new
/// version — so that two deliveries of the same message (a redelivery racing the first, a retried
/// HTTP call) see each other's result instead of both acting. Across replicas, create-only writes
/// keep numbers unique.
/// </summary>
public sealed class KeyedLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
