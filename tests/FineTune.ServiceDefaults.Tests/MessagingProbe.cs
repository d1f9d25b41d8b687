using System.Collections.Concurrent;

namespace FineTune.ServiceDefaults.Tests;

/// <summary>What the test consumers saw, shared between a test and the consumers it hosts.</summary>
public sealed class MessagingProbe
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();

    public int Count(string what) => _counts.GetValueOrDefault(what);

    /// <summary>Counts one occurrence and returns the new count.</summary>
    public int Hit(string what)
    {
        var count = _counts.AddOrUpdate(what, 1, (_, n) => n + 1);
        Signal(what).TrySetResult();
        return count;
    }

    public async Task WaitFor(string what, TimeSpan? timeout = null)
    {
        try { await Signal(what).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30)); }
        catch (TimeoutException) { throw new TimeoutException($"'{what}' did not happen within {timeout ?? TimeSpan.FromSeconds(30)}."); }
    }

    private TaskCompletionSource Signal(string what) =>
        _signals.GetOrAdd(what, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
