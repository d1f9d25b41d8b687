using System.Collections.Concurrent;

namespace FineTune.Curation.Versions;

/// <summary>
/// One curation at a time per dataset in this process, so that two deliveries of the same request
/// (a redelivery racing the first, a retried HTTP call) see each other's version instead of both
/// curating. Across replicas, create-only manifests keep numbers unique.
/// </summary>
public sealed class DatasetLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string dataset, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(dataset, _ => new SemaphoreSlim(1, 1));
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
