using FineTune.Contracts;
using MassTransit;

namespace FineTune.Curation.Consumers;

/// <summary>Monitoring asked for a new dataset version: curate the current one's sources plus collected feedback.</summary>
public sealed class RetrainingRequestedConsumer(DatasetCurator curator) : IConsumer<RetrainingRequested>
{
    public Task Consume(ConsumeContext<RetrainingRequested> context) => curator.RetrainAsync(context.Message, context.CancellationToken);
}
