using System.Diagnostics.Metrics;
using FineTune.Curation.Pipeline;

namespace FineTune.Curation;

/// <summary>
/// The service's meters (<c>FineTune.Curation</c>): versions written, runs refused and why, records
/// in and out of each step, and how long a run took — what a dashboard plots per dataset.
/// </summary>
public sealed class CurationMetrics : IDisposable
{
    public const string MeterName = "FineTune.Curation";
    private readonly Meter _meter;
    private readonly Counter<long> _versions;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _recordsIn;
    private readonly Counter<long> _recordsOut;
    private readonly Histogram<double> _duration;

    public CurationMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _versions = _meter.CreateCounter<long>("finetune.curation.versions", description: "Dataset versions written");
        _failures = _meter.CreateCounter<long>("finetune.curation.failures", description: "Curation runs refused (rejected upload, leakage)");
        _recordsIn = _meter.CreateCounter<long>("finetune.curation.records_in", description: "Records entering a curation step");
        _recordsOut = _meter.CreateCounter<long>("finetune.curation.records_out", description: "Records leaving a curation step");
        _duration = _meter.CreateHistogram<double>("finetune.curation.duration", "s", "Time to curate a dataset version");
    }

    public void Curated(string dataset, CurationReport report, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("dataset", dataset);
        _versions.Add(1, tag);
        _duration.Record(elapsed.TotalSeconds, tag);
        foreach (var step in report.Steps)
        {
            var stepTag = new KeyValuePair<string, object?>("step", step.Step);
            _recordsIn.Add(step.RecordsIn, tag, stepTag);
            _recordsOut.Add(step.RecordsOut, tag, stepTag);
        }
    }

    public void Failed(string dataset, string reason) =>
        _failures.Add(1, new KeyValuePair<string, object?>("dataset", dataset), new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
