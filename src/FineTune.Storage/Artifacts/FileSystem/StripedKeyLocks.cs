using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FineTune.Storage.Artifacts.FileSystem;

/// <summary>
/// Serialises check-then-rename (and check-then-delete) per key, within this process and across
/// processes. A key maps to one of 64 stripes; each stripe is an in-process semaphore (so writers in
/// this process queue without polling) plus an exclusive OS lock on <c>%locks/NN.lock</c> (so writers
/// in other processes, or other store instances on the same root, are excluded too). A fixed set of
/// lock files, rather than one per key, means nothing accumulates and no lock file is ever deleted
/// (deleting a lock file races with someone opening it). The stripe is chosen from the upper-cased
/// key with a stable hash, so keys that collide on a case-insensitive file system share a lock.
/// </summary>
internal sealed class StripedKeyLocks
{
    private const int Stripes = 64;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim[] _inProcess;
    private readonly string _folder;
    private readonly TimeSpan _timeout;

    public StripedKeyLocks(string folder, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        _folder = folder;
        _timeout = timeout;
        _inProcess = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    public async Task<IDisposable> AcquireAsync(string key, string store, CancellationToken cancellationToken)
    {
        var stripe = SHA256.HashData(Encoding.UTF8.GetBytes(key.ToUpperInvariant()))[0] % Stripes;
        var waited = Stopwatch.StartNew();
        var local = _inProcess[stripe];
        if (!await local.WaitAsync(_timeout, cancellationToken)) throw TimedOut(key, store, null);
        try
        {
            var path = Path.Combine(_folder, $"{stripe:D2}.lock");
            var backoff = TimeSpan.FromMilliseconds(1);
            while (true)
            {
                try
                {
                    // FileShare.None = an exclusive flock on Unix, a sharing-mode lock on Windows.
                    var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(handle, local);
                }
                // Exactly IOException: held by another process. Not-found and friends are subclasses and are real errors.
                catch (IOException e) when (e.GetType() == typeof(IOException))
                {
                    if (waited.Elapsed >= _timeout) throw TimedOut(key, store, e);
                    await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 3)), cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                }
            }
        }
        catch
        {
            local.Release();
            throw;
        }
    }

    private ArtifactStoreException TimedOut(string key, string store, Exception? inner) =>
        new($"Write to artifact '{key}' in {store} gave up after {_timeout.TotalSeconds:0.#} s waiting for its lock in {_folder}" +
            (inner is null ? "." : $": {inner.Message}"), inner);

    private sealed class Held(SafeFileHandle handle, SemaphoreSlim local) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            handle.Dispose();
            local.Release();
        }
    }
}
