using System.Diagnostics.Metrics;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// The analysis' meters under <see cref="MeterName"/> (exported over OTLP with the other FineTune
/// meters): records counted, duplicates, late records, records of versions without a reference
/// (drift skipped), drift events, and gauges of the latest drift values and open alerts.
/// </summary>
public sealed class AnalysisMetrics
{
    public const string MeterName = "FineTune.Monitoring";

    private readonly Counter<long> _records, _duplicates, _late, _unreferenced, _driftDetected;

    public AnalysisMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _records = meter.CreateCounter<long>("finetune.monitoring.inference.records", "{record}", "Inference records counted into the windows.");
        _duplicates = meter.CreateCounter<long>("finetune.monitoring.inference.duplicates", "{record}", "Inference records dropped as redeliveries of a request already counted.");
        _late = meter.CreateCounter<long>("finetune.monitoring.inference.late", "{record}", "Inference records dropped because they are older than the longest window.");
        _unreferenced = meter.CreateCounter<long>("finetune.monitoring.inference.unreferenced", "{record}", "Inference records of a version without a reference profile: SLOs only, drift skipped.");
        _driftDetected = meter.CreateCounter<long>("finetune.monitoring.drift.detected", "{episode}", "Drift episodes opened.");
        meter.CreateObservableGauge("finetune.monitoring.drift.value", () => DriftValues?.Invoke() ?? [], null, "Latest value of each drift statistic per model version and window.");
        meter.CreateObservableGauge("finetune.monitoring.alerts.open", () => OpenAlerts?.Invoke() ?? [], "{alert}", "Open alerts by kind.");
    }

    /// <summary>Read by the drift gauge at each collection.</summary>
    public Func<IEnumerable<Measurement<double>>>? DriftValues { get; set; }

    /// <summary>Read by the open-alerts gauge at each collection.</summary>
    public Func<IEnumerable<Measurement<long>>>? OpenAlerts { get; set; }

    public void Counted(string model) => _records.Add(1, new KeyValuePair<string, object?>("model", model));
    public void Duplicate() => _duplicates.Add(1);
    public void Late() => _late.Add(1);
    public void Unreferenced(string reason) => _unreferenced.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public void DriftDetected(string metric) => _driftDetected.Add(1, new KeyValuePair<string, object?>("metric", metric));
}
