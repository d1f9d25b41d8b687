using System.Diagnostics.Metrics;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Storage.Artifacts;
using MassTransit;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// The analysis of inference traffic: takes records (deduplicated, placed by event time), evaluates
/// drift and SLOs at the watermark — on a timer and on demand — publishes what the evaluation decides,
/// and answers the API's views. One lock serialises the in-memory state; store reads and publishing
/// happen outside it. The state survives a restart as an <see cref="AnalysisSnapshot"/>: loaded once
/// before any record is taken, written after each evaluation pass that changed something (before its
/// events are published) and at shutdown.
/// </summary>
public sealed class AnalysisService
{
    private readonly Lock _lock = new();
    // one evaluation or save at a time, so snapshots are written in the order they were taken
    private readonly SemaphoreSlim _pass = new(1, 1);
    private TrafficStore _traffic = new();
    private AlertBook _alerts = new();
    private DriftEvaluator _drift;
    private SloEvaluator _slo;
    private readonly List<object> _unpublished = [];
    private long _revision, _savedRevision;
    private readonly Dictionary<ModelRef, VersionReference> _references = [];
    private readonly ReferenceProfiles _profiles;
    private readonly PolicyStore _policies;
    private readonly IArtifactStore _store;
    private readonly IBus _bus;
    private readonly AnalysisMetrics _metrics;
    private readonly ILogger<AnalysisService> _logger;

    public AnalysisService(ReferenceProfiles profiles, PolicyStore policies, IArtifactStore store, IBus bus, AnalysisMetrics metrics, ILogger<AnalysisService> logger)
    {
        (_profiles, _policies, _store, _bus, _metrics, _logger) = (profiles, policies, store, bus, metrics, logger);
        _drift = new DriftEvaluator(_alerts);
        _slo = new SloEvaluator(_alerts);
        metrics.DriftValues = () =>
        {
            lock (_lock)
                return [.. _drift.Latest().Select(d => new Measurement<double>(d.Value, new("model", d.Model.Name), new("version", d.Model.Version),
                    new("metric", d.Metric), new("window", d.Window)))];
        };
        metrics.OpenAlerts = () =>
        {
            lock (_lock) return [new(_alerts.OpenCount("slo"), new KeyValuePair<string, object?>("kind", "slo")), new(_alerts.OpenCount("drift"), new KeyValuePair<string, object?>("kind", "drift"))];
        };
    }

    public async Task<RecordOutcome> RecordAsync(InferenceRecorded record, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(record.RequestId) || record.Model is null || string.IsNullOrEmpty(record.Model.Name))
        {
            _metrics.Unreferenced("invalid");
            _logger.LogWarning("Dropped an inference record without a request id or model ({RequestId}).", record.RequestId);
            return RecordOutcome.Invalid;
        }
        var reference = await _profiles.FindAsync(record.Model, cancellationToken);
        await _policies.WarmAsync(record.Model.Name, cancellationToken);
        RecordOutcome outcome;
        lock (_lock)
        {
            outcome = _traffic.Add(record, reference);
            if (outcome == RecordOutcome.Counted) _revision++;
            if (reference is not null) _references[record.Model] = reference;
        }
        switch (outcome)
        {
            case RecordOutcome.Duplicate: _metrics.Duplicate(); break;
            case RecordOutcome.Late: _metrics.Late(); break;
            default:
                _metrics.Counted(record.Model.Name);
                if (reference is null) _metrics.Unreferenced(record.Model.Version == 0 ? "base_model" : "no_reference");
                break;
        }
        return outcome;
    }

    /// <summary>
    /// Evaluates every version and series at the current watermark, writes the snapshot if anything
    /// changed, then publishes the outcome (and whatever an earlier pass or process could not).
    /// </summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var outbox = new List<object>();
            var sustained = new List<SustainedDrift>();
            lock (_lock)
            {
                if (_traffic.Watermark is { } at)
                {
                    foreach (var series in _traffic.Series.ToList())
                        _slo.Evaluate(series, Windows(SloEvaluator.Windows, s => s == series), _policies.Current(series.Model.Name).Slo, at, outbox);
                    foreach (var (model, reference) in _references)
                    {
                        var before = outbox.Count;
                        if (_drift.Evaluate(reference, Windows(DriftEvaluator.Windows, s => s.Model == model), _policies.Current(model.Name), at, outbox) is { } found)
                            sustained.Add(found);
                        foreach (var detected in outbox.Skip(before).OfType<DriftDetected>()) _metrics.DriftDetected(detected.Metric);
                    }
                }
            }
            foreach (var drift in sustained)
                if (await ActAsync(drift, cancellationToken) is { } action) outbox.Add(action);
            lock (_lock)
            {
                _unpublished.AddRange(outbox);
                if (outbox.Count > 0) _revision++;
            }
            await SaveChangesAsync(cancellationToken);
            await PublishUnpublishedAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Restores the last snapshot, if there is one; call once, before the first record.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        byte[] json;
        try
        {
            await using var read = await _store.GetAsync(AnalysisSnapshot.Key, cancellationToken: cancellationToken);
            using var buffer = new MemoryStream();
            await read.Content.CopyToAsync(buffer, cancellationToken);
            json = buffer.ToArray();
        }
        catch (ArtifactNotFoundException)
        {
            return;
        }
        AnalysisSnapshot snapshot;
        (TrafficStore Traffic, AlertBook Alerts, DriftEvaluator Drift, SloEvaluator Slo, List<object> Unpublished) restored;
        try
        {
            snapshot = AnalysisSnapshot.FromJson(json);
            var alerts = AlertBook.FromSnapshot(snapshot.Alerts);
            restored = (TrafficStore.FromSnapshot(snapshot.Traffic), alerts, DriftEvaluator.FromSnapshot(alerts, snapshot.Drift),
                SloEvaluator.FromSnapshot(alerts, snapshot.Slo), [.. snapshot.Unpublished.Select(m => m.ToMessage())]);
        }
        // a document missing a list reads as null, which the FromSnapshot methods meet as a NullReferenceException
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException or NullReferenceException)
        {
            // keep the unreadable state for a person to look at rather than overwrite it with the next save
            var aside = $"monitoring/analysis/unreadable-{DateTimeOffset.UtcNow:yyyyMMddTHHmmss}.json";
            await _store.PutAsync(aside, new MemoryStream(json), new PutOptions { ContentType = "application/json" }, cancellationToken);
            _logger.LogError(e, "The analysis snapshot {Key} could not be read ({Problem}); starting empty, the snapshot is kept at {Aside}.",
                AnalysisSnapshot.Key, e.Message, aside);
            return;
        }

        var references = new Dictionary<ModelRef, VersionReference>();
        foreach (var model in snapshot.Referenced)
            if (await _profiles.FindAsync(model, cancellationToken) is { } reference) references[model] = reference;
        foreach (var name in snapshot.Traffic.Series.Select(s => s.Key.Model.Name).Distinct(StringComparer.Ordinal))
            await _policies.WarmAsync(name, cancellationToken);
        lock (_lock)
        {
            (_traffic, _alerts, _drift, _slo) = (restored.Traffic, restored.Alerts, restored.Drift, restored.Slo);
            _unpublished.Clear();
            _unpublished.AddRange(restored.Unpublished);
            foreach (var (model, reference) in references) _references[model] = reference;
        }
        _logger.LogInformation("Restored the analysis state from {Key}: watermark {Watermark}, {Open} open alerts, {Unpublished} events to publish.",
            AnalysisSnapshot.Key, snapshot.Traffic.Watermark, snapshot.Alerts.Open.Count, snapshot.Unpublished.Count);
    }

    /// <summary>Writes the snapshot if anything changed since the last one (at shutdown, after the last record).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try { await SaveChangesAsync(cancellationToken); }
        finally { _pass.Release(); }
    }

    private async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        AnalysisSnapshot snapshot;
        long revision;
        lock (_lock)
        {
            if (_revision == _savedRevision) return;
            revision = _revision;
            snapshot = new AnalysisSnapshot(AnalysisSnapshot.CurrentFormat, _traffic.ToSnapshot(), _alerts.ToSnapshot(), _drift.ToSnapshot(), _slo.ToSnapshot(),
                [.. _references.Keys], [.. _unpublished.Select(PendingMessage.Of)]);
        }
        await _store.PutAsync(AnalysisSnapshot.Key, new MemoryStream(snapshot.ToJson()), new PutOptions { ContentType = "application/json" }, cancellationToken);
        lock (_lock) _savedRevision = Math.Max(_savedRevision, revision);
    }

    private async Task PublishUnpublishedAsync(CancellationToken cancellationToken)
    {
        List<object> pending;
        lock (_lock) pending = [.. _unpublished];
        foreach (var message in pending)
        {
            await _bus.Publish(message, message.GetType(), cancellationToken);
            lock (_lock)
            {
                _unpublished.Remove(message);
                _revision++; // the next snapshot no longer lists it
            }
        }
    }

    public IReadOnlyList<ServedSeries> Served()
    {
        lock (_lock)
            return [.. _traffic.Served.OrderBy(s => s.Key.Model.Name, StringComparer.Ordinal).ThenBy(s => s.Key.Model.Version).ThenBy(s => s.Key.Adapter, StringComparer.Ordinal)
                .Select(s => new ServedSeries(ModelIds.Format(s.Key.Model), s.Key.Adapter, s.Value.Requests, s.Value.LastSeen))];
    }

    public LiveView Live(ModelRef model, int minutes)
    {
        lock (_lock)
        {
            var perMinute = new SortedDictionary<DateTimeOffset, WindowTotals>();
            foreach (var series in _traffic.Series.Where(s => s.Model == model))
                foreach (var bucket in _traffic.Window(series, minutes))
                {
                    if (!perMinute.TryGetValue(bucket.Minute, out var totals)) perMinute[bucket.Minute] = totals = new WindowTotals();
                    totals.Add(bucket.Counts);
                }
            return new LiveView(ModelIds.Format(model), [.. perMinute.Select(m => LivePoint.Of(m.Key, m.Value))]);
        }
    }

    public DriftView Drift(ModelRef model)
    {
        var policy = _policies.Current(model.Name);
        lock (_lock)
        {
            var reference = _references.GetValueOrDefault(model);
            var metrics = (from metric in DriftMetrics.All
                           from window in DriftEvaluator.Windows
                           select new DriftSeries(metric, window.Name,
                               reference is null ? policy.Threshold(metric) : DriftEvaluator.EffectiveThreshold(policy, reference, metric),
                               _drift.Points(model, metric, window.Name))).ToList();
            return new DriftView(ModelIds.Format(model), reference is null ? null : $"{reference.Dataset.DatasetId}:{reference.Dataset.Version}", metrics);
        }
    }

    public IReadOnlyList<Alert> Alerts()
    {
        lock (_lock) return _alerts.List();
    }

    private Dictionary<string, WindowTotals> Windows(IReadOnlyList<(string Name, int Minutes)> windows, Func<SeriesKey, bool> include)
    {
        var series = _traffic.Series.Where(include).ToList();
        return windows.ToDictionary(w => w.Name, w => WindowTotals.Of(series.SelectMany(s => _traffic.Window(s, w.Minutes))));
    }

    private async Task<object?> ActAsync(SustainedDrift drift, CancellationToken cancellationToken)
    {
        var model = drift.Reference.Model;
        var reason = $"sustained drift: {drift.Metric} {drift.Value:0.###} above {drift.Threshold:0.###} over 1h";
        switch (drift.Action)
        {
            case SustainedDriftAction.Retrain:
                return new RetrainingRequested(Guid.NewGuid(), model, drift.Reference.Dataset, reason, DateTimeOffset.UtcNow);
            case SustainedDriftAction.RecommendRollback when await PreviousProductionAsync(model, cancellationToken) is { } previous:
                return new RollbackRecommended(Guid.NewGuid(), model, previous, reason, DateTimeOffset.UtcNow);
            case SustainedDriftAction.RecommendRollback:
                _logger.LogWarning("Sustained drift of {Model}:{Version} calls for a rollback, but no earlier production version is known.", model.Name, model.Version);
                return null;
            default:
                return null;
        }
    }

    private sealed record RegisteredModel(IReadOnlyDictionary<string, int>? Aliases, IReadOnlyDictionary<string, IReadOnlyList<int>>? History);

    // the version production pointed at before, when the drifting version is production now
    private async Task<int?> PreviousProductionAsync(ModelRef model, CancellationToken cancellationToken)
    {
        try
        {
            await using var read = await _store.GetAsync($"registry/models/{model.Name}/model.json", cancellationToken: cancellationToken);
            var registered = await JsonSerializer.DeserializeAsync<RegisteredModel>(read.Content, ArtifactJson.Options, cancellationToken);
            if (registered?.Aliases?.GetValueOrDefault("production") != model.Version) return null;
            return registered.History?.GetValueOrDefault("production") is { Count: > 0 } history ? history[^1] : null;
        }
        catch (Exception e) when (e is ArtifactNotFoundException or InvalidArtifactKeyException or JsonException)
        {
            return null;
        }
    }
}
