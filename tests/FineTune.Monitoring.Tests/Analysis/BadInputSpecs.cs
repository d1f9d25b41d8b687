using System.Diagnostics.Metrics;
using FineTune.Contracts;
using FineTune.Monitoring.Analysis;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>Duplicated, out-of-order, late and unknown-version records: counted, never double counted, never a crash.</summary>
public sealed class BadInputSpecs
{
    [Fact]
    public async Task Duplicates_late_and_out_of_order_records_are_counted_once_in_their_minute_and_metered()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        using var meters = new MeterReadings(app.Services.GetRequiredService<IMeterFactory>());
        var random = new Random(3);
        InferenceRecorded At(int minute, string id) => Traffic.Record(random, AnalysisApp.Model, null, Traffic.Start.AddMinutes(minute), id, new Traffic.Shift());

        await app.ReplayAsync([At(70, "a"), At(70, "a"), At(72, "b"), At(71, "c"), At(70, "a")]);
        await app.ReplayAsync([At(5, "too-old"), At(71, "c")]); // older than the 1h window behind the watermark; a redelivery

        var served = Assert.Single(app.Analysis.Served());
        Assert.Equal(("support-bot:1", 3L), (served.Model, served.Requests));
        Assert.Equal([1L, 1L, 1L], app.Analysis.Live(AnalysisApp.Model, 60).Points.Select(p => p.Requests));
        Assert.Equal(Traffic.Start.AddMinutes(71), app.Analysis.Live(AnalysisApp.Model, 60).Points[1].T);
        Assert.Equal(3, meters.Sum("finetune.monitoring.inference.duplicates"));
        Assert.Equal(1, meters.Sum("finetune.monitoring.inference.late"));
        Assert.Equal(3, meters.Sum("finetune.monitoring.inference.records"));
    }

    [Fact]
    public async Task Versions_without_a_reference_get_live_metrics_and_slos_while_drift_is_skipped_and_counted()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        using var meters = new MeterReadings(app.Services.GetRequiredService<IMeterFactory>());
        var unregistered = new ModelRef("support-bot", 9);

        await app.ReplayMinutesAsync(Traffic.Minutes(unregistered, 5, 30, new Traffic.Shift(PromptScale: 4, Error: true)));

        Assert.Equal(150, app.Analysis.Live(unregistered, 60).Points.Sum(p => p.Requests));
        Assert.Null(app.Analysis.Drift(unregistered).Reference);
        Assert.Empty(app.Published<DriftDetected>());
        Assert.Contains(app.Published<AlertRaised>(), a => a.Objective == "error_rate" && a.Model == unregistered);
        Assert.Equal(150, meters.Sum("finetune.monitoring.inference.unreferenced"));
    }

    /// <summary>Sums the counters of one app's meters (its own meter factory), so parallel tests do not mix.</summary>
    private sealed class MeterReadings : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _sums = [];

        public MeterReadings(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Meter.Name == AnalysisMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_sums) _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
            });
            _listener.Start();
        }

        public long Sum(string name)
        {
            lock (_sums) return _sums.GetValueOrDefault(name);
        }

        public void Dispose() => _listener.Dispose();
    }
}
