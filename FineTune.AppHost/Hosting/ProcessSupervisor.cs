using FineTune.LocalServers;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// Watches one running process and, when it dies on its own, restarts it on the same port with
/// exponential backoff, until the <see cref="RestartPolicy"/> says it has crashed too often.
/// </summary>
public sealed class ProcessSupervisor(LocalServer process, string label, ResourceStatus status, RestartPolicy policy, ConsoleLog log)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly Queue<DateTime> _recentRestarts = new();

    /// <summary>Runs until <paramref name="stopping"/> fires (a shutdown, which is not a crash) or the process is given up on.</summary>
    public async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, stopping);
                if (process.ProcessId is not null) continue;
                if (!await RestartAsync(stopping)) return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private async Task<bool> RestartAsync(CancellationToken stopping)
    {
        var now = DateTime.UtcNow;
        while (_recentRestarts.Count > 0 && now - _recentRestarts.Peek() > policy.Window) _recentRestarts.Dequeue();
        if (_recentRestarts.Count >= policy.MaxRestarts)
        {
            status.State = ResourceState.Failed;
            log.Error(label, $"exited again after {policy.MaxRestarts} restarts within {policy.Window}; marked failed.");
            await process.StopAsync();
            return false;
        }

        var delay = policy.DelayBefore(_recentRestarts.Count);
        _recentRestarts.Enqueue(now);
        status.CountRestart();
        status.State = ResourceState.Restarting;
        log.Error(label, $"exited unexpectedly; restart {_recentRestarts.Count} of {policy.MaxRestarts} in {delay.TotalSeconds:0.###} s");
        await Task.Delay(delay, stopping);
        await process.StopAsync(); // releases the dead process so it can start again
        try
        {
            await process.StartAsync(stopping);
            status.State = ResourceState.Running;
            log.Write(label, $"restarted (PID {process.ProcessId})");
        }
        catch (LocalServerException e)
        {
            log.Error(label, e.Message); // the next poll sees it down and counts another restart
        }
        return true;
    }
}
