using FineTune.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FineTune.Training.Workers;

/// <summary>A worker takes a job off the queue. Workers compete: each message goes to one of them.</summary>
public sealed class StartTrainingConsumer(TrainingWorker worker) : IConsumer<StartTraining>
{
    public Task Consume(ConsumeContext<StartTraining> context) => worker.RunAsync(context.Message.JobId, context.CancellationToken);
}

/// <summary>The queue's name, and how many jobs one worker process trains at once (also its prefetch: it never holds a job it is not training).</summary>
public sealed class StartTrainingConsumerDefinition : ConsumerDefinition<StartTrainingConsumer>
{
    public const string Queue = "start-training";

    public StartTrainingConsumerDefinition(IOptions<TrainingSettings> settings)
    {
        EndpointName = Queue;
        ConcurrentMessageLimit = settings.Value.WorkerConcurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<StartTrainingConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.ConcurrentMessageLimit = ConcurrentMessageLimit;
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = ConcurrentMessageLimit ?? 1;
    }
}
