using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FineTune.Monitoring.Pipeline;

namespace FineTune.Monitoring.Tests.Pipeline;

/// <summary>Sums the pipeline counters of one app instance (its own meter factory), by counter name.</summary>
internal sealed class PipelineCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public PipelineCounters(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    public long this[string counter] => _totals.GetValueOrDefault(counter);

    public void Dispose() => _listener.Dispose();
}
