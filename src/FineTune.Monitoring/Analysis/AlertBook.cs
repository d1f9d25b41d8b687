using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>An alert as the API lists it: open until <see cref="ResolvedAt"/> is set.</summary>
public sealed record Alert(Guid AlertId, ModelRef Model, string? Adapter, string Kind, string Objective, double Value, double Threshold,
    string Window, string Severity, DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt = null);

/// <summary>
/// Every alert this process raised: open ones, and the latest <see cref="KeptResolved"/> resolved ones
/// (older resolved alerts are forgotten, which bounds memory). Raising and resolving return the
/// events to publish. Not thread-safe: its owner serialises access.
/// </summary>
public sealed class AlertBook
{
    public const int KeptResolved = 500;

    private readonly Dictionary<Guid, Alert> _open = [];
    private readonly LinkedList<Alert> _resolved = new();

    public int OpenCount(string kind) => _open.Values.Count(a => a.Kind == kind);

    /// <summary>Open alerts first (newest first), then resolved ones (most recently resolved first).</summary>
    public IReadOnlyList<Alert> List() => [.. _open.Values.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.AlertId), .. _resolved];

    public AlertRaised Raise(ModelRef model, string? adapter, string kind, string objective, double value, double threshold, string window, string severity, DateTimeOffset at)
    {
        var alert = new Alert(Guid.NewGuid(), model, adapter, kind, objective, value, threshold, window, severity, at);
        _open[alert.AlertId] = alert;
        return new AlertRaised(alert.AlertId, model, adapter, kind, objective, value, threshold, window, severity, at);
    }

    public AlertResolved? Resolve(Guid alertId, DateTimeOffset at)
    {
        if (!_open.Remove(alertId, out var alert)) return null;
        _resolved.AddFirst(alert with { ResolvedAt = at });
        while (_resolved.Count > KeptResolved) _resolved.RemoveLast();
        return new AlertResolved(alertId, alert.Model, alert.Objective, at);
    }

    public AlertBookSnapshot ToSnapshot() => new([.. _open.Values], [.. _resolved]);

    public static AlertBook FromSnapshot(AlertBookSnapshot snapshot)
    {
        var book = new AlertBook();
        foreach (var alert in snapshot.Open) book._open[alert.AlertId] = alert;
        foreach (var alert in snapshot.Resolved.Take(KeptResolved)) book._resolved.AddLast(alert);
        return book;
    }
}

/// <summary>An <see cref="AlertBook"/> as the analysis snapshot stores it: open alerts, and resolved ones most recent first.</summary>
public sealed record AlertBookSnapshot(IReadOnlyList<Alert> Open, IReadOnlyList<Alert> Resolved);
