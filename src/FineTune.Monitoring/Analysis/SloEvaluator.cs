using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// Multi-window burn-rate alerts on each series' SLOs (latency p95, error rate, toxic rate). The burn
/// rate is the bad share of requests divided by the share the objective allows. Since only the last
/// hour is kept, both rules use the 1 h window as their long window: page when the 5 min and 1 h burn
/// rates both exceed <see cref="PageBurn"/> (2% of a 30-day budget gone in an hour), ticket when the
/// 15 min and 1 h burn rates both exceed <see cref="TicketBurn"/>. The short window makes an alert stop
/// firing soon after recovery; the alert resolves only after its condition has stayed clear for the
/// policy's <see cref="SloTargets.ResolveAfterMinutes"/> of event time, so it does not flap. One alert
/// per series and objective, with the severity that first fired. Not thread-safe.
/// </summary>
public sealed class SloEvaluator(AlertBook alerts)
{
    public const double PageBurn = 14.4;
    public const double TicketBurn = 6;

    /// <summary>The windows SLOs read, by name.</summary>
    public static IReadOnlyList<(string Name, int Minutes)> Windows { get; } = [("5m", 5), ("15m", 15), ("1h", 60)];

    public const string LatencyP95 = "latency_p95";
    public const string ErrorRate = "error_rate";
    public const string ToxicRate = "toxic_rate";

    private sealed class State
    {
        public Guid? AlertId;
        public DateTimeOffset? ClearSince;
    }

    private readonly Dictionary<(SeriesKey Series, string Objective), State> _states = [];

    /// <summary>The burn rate of one objective over a window; null below the policy's minimum requests.</summary>
    public static double? BurnRate(string objective, WindowTotals window, SloTargets targets)
    {
        if (window.Requests < targets.MinimumRequests || window.Requests == 0) return null;
        var (bad, allowed) = objective switch
        {
            LatencyP95 => (LatencyBuckets.SlowerThan(window.Latency, targets.LatencyP95Ms), 0.05),
            ErrorRate => (window.Errors, targets.ErrorRate),
            ToxicRate => (window.SafetyFlags, targets.ToxicRate),
            _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "not an SLO objective"),
        };
        return (double)bad / window.Requests / allowed;
    }

    public void Evaluate(SeriesKey series, IReadOnlyDictionary<string, WindowTotals> windows, SloTargets targets, DateTimeOffset at, List<object> outbox)
    {
        foreach (var objective in (string[])[LatencyP95, ErrorRate, ToxicRate])
        {
            double Burn(string window) => BurnRate(objective, windows[window], targets) ?? 0;
            var page = Burn("5m") > PageBurn && Burn("1h") > PageBurn;
            var ticket = Burn("15m") > TicketBurn && Burn("1h") > TicketBurn;

            var key = (series, objective);
            if (!_states.TryGetValue(key, out var state)) _states[key] = state = new State();
            if (page || ticket)
            {
                state.ClearSince = null;
                if (state.AlertId is not null) continue;
                var raised = page
                    ? alerts.Raise(series.Model, series.Adapter, "slo", objective, Burn("5m"), PageBurn, "5m/1h", "page", at)
                    : alerts.Raise(series.Model, series.Adapter, "slo", objective, Burn("15m"), TicketBurn, "15m/1h", "ticket", at);
                state.AlertId = raised.AlertId;
                outbox.Add(raised);
            }
            else if (state.AlertId is { } open)
            {
                state.ClearSince ??= at;
                if (at - state.ClearSince < TimeSpan.FromMinutes(targets.ResolveAfterMinutes)) continue;
                if (alerts.Resolve(open, at) is { } resolved) outbox.Add(resolved);
                state.AlertId = null;
                state.ClearSince = null;
            }
        }
    }

    /// <summary>The open episodes (an objective with no open alert has nothing to remember).</summary>
    public IReadOnlyList<SloEpisodeSnapshot> ToSnapshot() =>
        [.. _states.Where(s => s.Value.AlertId is not null).Select(s => new SloEpisodeSnapshot(s.Key.Series, s.Key.Objective, s.Value.AlertId!.Value, s.Value.ClearSince))];

    public static SloEvaluator FromSnapshot(AlertBook alerts, IReadOnlyList<SloEpisodeSnapshot> episodes)
    {
        var evaluator = new SloEvaluator(alerts);
        foreach (var episode in episodes)
            evaluator._states[(episode.Series, episode.Objective)] = new State { AlertId = episode.AlertId, ClearSince = episode.ClearSince };
        return evaluator;
    }
}

/// <summary>One series' objective with an open alert, and since when its condition has been clear.</summary>
public sealed record SloEpisodeSnapshot(SeriesKey Series, string Objective, Guid AlertId, DateTimeOffset? ClearSince);
