using System.Diagnostics.Metrics;
using FineTune.Models.FineTuning;

namespace FineTune.Training;

/// <summary>The service's meters (<c>FineTune.Training</c>): jobs started and finished, and the live loss, throughput and step.</summary>
public sealed class TrainingMetrics : IDisposable
{
    public const string MeterName = "FineTune.Training";
    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _loss;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Counter<long> _steps;

    public TrainingMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _started = _meter.CreateCounter<long>("finetune.training.jobs_started", description: "Jobs a worker started or resumed");
        _finished = _meter.CreateCounter<long>("finetune.training.jobs_finished", description: "Jobs finished, by outcome");
        _duration = _meter.CreateHistogram<double>("finetune.training.duration", "s", "Training time of a finished job");
        _loss = _meter.CreateHistogram<double>("finetune.training.loss", description: "Training loss at reported steps");
        _tokensPerSecond = _meter.CreateHistogram<double>("finetune.training.tokens_per_second", "{token}/s", "Training throughput at reported steps");
        _steps = _meter.CreateCounter<long>("finetune.training.steps_reported", description: "Steps reported by progress events");
    }

    public void Started() => _started.Add(1);

    public void Finished(string outcome, TimeSpan training)
    {
        _finished.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (training > TimeSpan.Zero) _duration.Record(training.TotalSeconds);
    }

    public void Progressed(FineTuneProgress progress)
    {
        _loss.Record(progress.Loss);
        _tokensPerSecond.Record(progress.TokensPerSecond);
        _steps.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
