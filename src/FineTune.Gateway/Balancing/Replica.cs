namespace FineTune.Gateway.Balancing;

/// <summary>
/// One replica of a cluster and what the balancer knows of it: requests in flight, consecutive
/// failures, and whether it is ejected (and why). Thread-safe; read on every request.
/// </summary>
public sealed class Replica(Uri address)
{
    private readonly Lock _sync = new();
    private int _outstanding;
    private int _consecutiveFailures;

    public Uri Address { get; } = address;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public bool IsEjected { get; private set; }

    /// <summary>Why the replica was ejected (last failure or probe result); null while it takes traffic.</summary>
    public string? EjectionReason { get; private set; }

    internal void BeginRequest() => Interlocked.Increment(ref _outstanding);

    internal void EndRequest() => Interlocked.Decrement(ref _outstanding);

    internal void ReportSuccess()
    {
        lock (_sync) _consecutiveFailures = 0;
    }

    /// <summary>Counts a failed forward; ejects at <paramref name="ejectAfter"/> in a row. True when this failure ejected it.</summary>
    internal bool ReportFailure(string reason, int ejectAfter)
    {
        lock (_sync)
        {
            _consecutiveFailures++;
            if (IsEjected || _consecutiveFailures < ejectAfter) return false;
            (IsEjected, EjectionReason) = (true, $"{_consecutiveFailures} consecutive failures, the last: {reason}");
            return true;
        }
    }

    /// <summary>The active probe's verdict: a healthy probe re-admits and clears the failure count; an unhealthy one ejects.</summary>
    internal bool ApplyProbe(bool healthy, string detail)
    {
        lock (_sync)
        {
            var changed = IsEjected == healthy;
            if (healthy) (IsEjected, EjectionReason, _consecutiveFailures) = (false, null, 0);
            else (IsEjected, EjectionReason) = (true, $"health probe failed: {detail}");
            return changed;
        }
    }

    public override string ToString() => Address.ToString();
}
