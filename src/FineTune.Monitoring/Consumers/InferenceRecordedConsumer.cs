using FineTune.Contracts;
using FineTune.Monitoring.Analysis;
using MassTransit;

namespace FineTune.Monitoring.Consumers;

/// <summary>Hands each served request's record to the analysis, which deduplicates it and places it by event time.</summary>
public sealed class InferenceRecordedConsumer(AnalysisService analysis) : IConsumer<InferenceRecorded>
{
    public Task Consume(ConsumeContext<InferenceRecorded> context) => analysis.RecordAsync(context.Message, context.CancellationToken);
}
