using System.Diagnostics.Metrics;

namespace FineTune.Monitoring.Pipeline;

/// <summary>
/// The pipeline view's counters on the <c>FineTune.Monitoring</c> meter: events that changed nothing
/// because they were heard before, events older than what was already known, and events naming a job
/// or model version monitoring had not heard of — each tagged with the event's name.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "FineTune.Monitoring";
    public const string Duplicates = "finetune.monitoring.pipeline.duplicate_events";
    public const string OutOfOrder = "finetune.monitoring.pipeline.out_of_order_events";
    public const string UnknownReferences = "finetune.monitoring.pipeline.unknown_references";

    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _outOfOrder;
    private readonly Counter<long> _unknown;

    public PipelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duplicates = meter.CreateCounter<long>(Duplicates, description: "Pipeline events heard again (redelivered): nothing changed");
        _outOfOrder = meter.CreateCounter<long>(OutOfOrder, description: "Pipeline events older than what was already known: merged");
        _unknown = meter.CreateCounter<long>(UnknownReferences, description: "Pipeline events naming a job or model version not heard of before");
    }

    public void Record(string eventName, Observed observed)
    {
        var tag = new KeyValuePair<string, object?>("event", eventName);
        if (observed.HasFlag(Observed.Duplicate)) _duplicates.Add(1, tag);
        if (observed.HasFlag(Observed.OutOfOrder)) _outOfOrder.Add(1, tag);
        if (observed.HasFlag(Observed.UnknownReference)) _unknown.Add(1, tag);
    }
}

/// <summary>What was unusual about one event.</summary>
[Flags]
public enum Observed
{
    Nothing = 0,
    Duplicate = 1,
    OutOfOrder = 2,
    UnknownReference = 4,
}
