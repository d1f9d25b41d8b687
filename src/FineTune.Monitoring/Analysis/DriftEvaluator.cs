using FineTune.Contracts;

namespace FineTune.Monitoring.Analysis;

/// <summary>A drift statistic's value at one evaluated minute, as the drift chart plots it.</summary>
public sealed record DriftPoint(DateTimeOffset T, double Value);

/// <summary>A version whose drift stayed past its thresholds long enough that its policy acts.</summary>
public sealed record SustainedDrift(VersionReference Reference, SustainedDriftAction Action, string Metric, double Value, double Threshold);

/// <summary>
/// Judges each model version's drift statistics over the 15 min and 1 h windows against its policy.
/// A statistic past its threshold on a window with at least the policy's minimum samples opens an
/// episode — one <see cref="DriftDetected"/> and one drift <see cref="AlertRaised"/> — which closes
/// (alert resolved, re-armed) only when the statistic falls below the re-arm fraction of the threshold.
/// The 1 h window past a threshold on enough consecutive evaluated minutes is sustained drift: the
/// version's policy acts once, and again only after every 1 h episode of the version has closed.
/// Not thread-safe: its owner serialises access.
/// </summary>
public sealed class DriftEvaluator(AlertBook alerts)
{
    public static IReadOnlyList<(string Name, int Minutes)> Windows { get; } = [("15m", 15), ("1h", 60)];

    private sealed class Episode
    {
        public Guid? AlertId;
        public int Consecutive;
        public DateTimeOffset? LastCounted;
        public readonly List<DriftPoint> Points = [];
    }

    private readonly Dictionary<(ModelRef Model, string Metric, string Window), Episode> _episodes = [];
    private readonly HashSet<ModelRef> _acted = [];

    /// <summary>The threshold a metric is judged against for this reference (unseen tokens: above the reference's own share outside its top list).</summary>
    public static double EffectiveThreshold(MonitoringPolicy policy, VersionReference reference, string metric) =>
        metric == DriftMetrics.UnseenTokenRate ? reference.Profile.PromptTokenFrequencies.OtherShare + policy.Threshold(metric) : policy.Threshold(metric);

    /// <summary>The seven statistics of a window against the reference; a statistic the window cannot give (no requests, no tokens) is absent.</summary>
    public static IReadOnlyDictionary<string, double> Measure(VersionReference reference, WindowTotals window)
    {
        var values = new Dictionary<string, double>();
        void Put(string metric, double? value) { if (value is { } v && double.IsFinite(v)) values[metric] = v; }
        if (window.PromptLengths is { } prompts) Put(DriftMetrics.PromptLengthPsi, DriftStatistics.PopulationStabilityIndex(reference.Profile.PromptTokens.Counts, prompts));
        if (window.CompletionLengths is { } completions) Put(DriftMetrics.CompletionLengthPsi, DriftStatistics.PopulationStabilityIndex(reference.Profile.CompletionTokens.Counts, completions));
        if (window.Tokens is { } tokens)
        {
            Put(DriftMetrics.TokenJsDivergence, DriftStatistics.JensenShannonDivergence(reference.TokenShares, tokens));
            Put(DriftMetrics.UnseenTokenRate, DriftStatistics.ShareOfLast(tokens));
        }
        Put(DriftMetrics.RefusalRate, window.Rate(window.Refusals));
        Put(DriftMetrics.SafetyFlagRate, window.Rate(window.SafetyFlags));
        Put(DriftMetrics.TruncationRate, window.Rate(window.Truncations));
        return values;
    }

    /// <summary>The recorded points of one statistic, oldest first.</summary>
    public IReadOnlyList<DriftPoint> Points(ModelRef model, string metric, string window) =>
        _episodes.TryGetValue((model, metric, window), out var episode) ? [.. episode.Points] : [];

    /// <summary>The latest value of every statistic, for the meters.</summary>
    public IEnumerable<(ModelRef Model, string Metric, string Window, double Value)> Latest() =>
        _episodes.Where(e => e.Value.Points.Count > 0).Select(e => (e.Key.Model, e.Key.Metric, e.Key.Window, e.Value.Points[^1].Value));

    /// <summary>Evaluates one version at <paramref name="at"/> (the watermark), adding the events to publish to <paramref name="outbox"/>.</summary>
    public SustainedDrift? Evaluate(VersionReference reference, IReadOnlyDictionary<string, WindowTotals> windows, MonitoringPolicy policy,
        DateTimeOffset at, List<object> outbox)
    {
        SustainedDrift? sustained = null;
        var anyLongEpisode = false;
        foreach (var (window, _) in Windows)
        {
            var totals = windows[window];
            var enough = totals.Requests >= policy.MinimumSamples;
            foreach (var (metric, value) in Measure(reference, totals))
            {
                var key = (reference.Model, metric, window);
                if (!_episodes.TryGetValue(key, out var episode)) _episodes[key] = episode = new Episode();
                Record(episode.Points, new DriftPoint(at, value));
                var threshold = EffectiveThreshold(policy, reference, metric);
                var past = enough && value > threshold;

                if (past && episode.AlertId is null)
                {
                    outbox.Add(new DriftDetected(Guid.NewGuid(), reference.Model, reference.Dataset, metric, value, threshold, window, at));
                    var raised = alerts.Raise(reference.Model, null, "drift", metric, value, threshold, window, "ticket", at);
                    episode.AlertId = raised.AlertId;
                    outbox.Add(raised);
                }
                else if (episode.AlertId is { } open && enough && value < policy.RearmFraction * threshold)
                {
                    if (alerts.Resolve(open, at) is { } resolved) outbox.Add(resolved);
                    episode.AlertId = null;
                }

                if (window != "1h") continue;
                if (!past) episode.Consecutive = 0;
                else if (episode.LastCounted != at)
                {
                    episode.Consecutive++;
                    episode.LastCounted = at;
                }
                anyLongEpisode |= episode.AlertId is not null;
                if (episode.Consecutive >= policy.SustainedEvaluations && sustained is null && !_acted.Contains(reference.Model))
                    sustained = new SustainedDrift(reference, policy.SustainedAction, metric, value, threshold);
            }
        }
        if (sustained is not null) _acted.Add(reference.Model);
        else if (!anyLongEpisode) _acted.Remove(reference.Model);
        return sustained;
    }

    public DriftSnapshot ToSnapshot() => new(
        [.. _episodes.Select(e => new DriftEpisodeSnapshot(e.Key.Model, e.Key.Metric, e.Key.Window, e.Value.AlertId, e.Value.Consecutive, e.Value.LastCounted, [.. e.Value.Points]))],
        [.. _acted]);

    public static DriftEvaluator FromSnapshot(AlertBook alerts, DriftSnapshot snapshot)
    {
        var evaluator = new DriftEvaluator(alerts);
        foreach (var e in snapshot.Episodes)
        {
            var episode = new Episode { AlertId = e.AlertId, Consecutive = e.Consecutive, LastCounted = e.LastCounted };
            episode.Points.AddRange(e.Points.TakeLast(TrafficStore.RetainedMinutes));
            evaluator._episodes[(e.Model, e.Metric, e.Window)] = episode;
        }
        evaluator._acted.UnionWith(snapshot.Acted);
        return evaluator;
    }

    // one point per evaluated minute, an hour of them
    private static void Record(List<DriftPoint> points, DriftPoint point)
    {
        if (points.Count > 0 && points[^1].T == point.T) points[^1] = point;
        else points.Add(point);
        if (points.Count > TrafficStore.RetainedMinutes) points.RemoveAt(0);
    }
}

/// <summary>A <see cref="DriftEvaluator"/> as the analysis snapshot stores it: every statistic's episode and points, and the versions already acted on.</summary>
public sealed record DriftSnapshot(IReadOnlyList<DriftEpisodeSnapshot> Episodes, IReadOnlyList<ModelRef> Acted);

/// <summary>One statistic of one version over one window: its open alert, sustained count and chart points.</summary>
public sealed record DriftEpisodeSnapshot(ModelRef Model, string Metric, string Window, Guid? AlertId, int Consecutive, DateTimeOffset? LastCounted,
    IReadOnlyList<DriftPoint> Points);
