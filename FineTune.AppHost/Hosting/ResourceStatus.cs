namespace FineTune.AppHost.Hosting;

/// <summary>
/// What the AppHost knows about one resource while it runs: its state, how often it was restarted,
/// and its last log lines (kept for the resources page). Written by several threads, read by the page.
/// </summary>
public sealed class ResourceStatus(int keptLines)
{
    private readonly Lock _lock = new();
    private readonly Queue<string> _lines = new();
    private ResourceState _state;
    private int _restarts;

    public ResourceState State
    {
        get { lock (_lock) return _state; }
        set { lock (_lock) _state = value; }
    }

    public int Restarts
    {
        get { lock (_lock) return _restarts; }
    }

    public IReadOnlyList<string> RecentLines
    {
        get { lock (_lock) return [.. _lines]; }
    }

    public void CountRestart()
    {
        lock (_lock) _restarts++;
    }

    public void Append(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > keptLines) _lines.Dequeue();
        }
    }
}
