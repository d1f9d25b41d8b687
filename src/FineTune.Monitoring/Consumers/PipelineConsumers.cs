using FineTune.Contracts;
using FineTune.Monitoring.Pipeline;
using MassTransit;

namespace FineTune.Monitoring.Consumers;

// Names start with "Pipeline" so their queues (pipeline-training, …) are monitoring's own and never
// compete with another service's consumer of the same event.

/// <summary>A training job's progress and outcome, for the runs and their curves.</summary>
public sealed class PipelineTrainingConsumer(PipelineRecorder recorder) :
    IConsumer<TrainingProgressed>, IConsumer<TrainingCompleted>, IConsumer<TrainingFailed>
{
    public Task Consume(ConsumeContext<TrainingProgressed> context) => recorder.ProgressedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingCompleted> context) => recorder.CompletedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingFailed> context) => recorder.FailedAsync(context.Message, context.CancellationToken);
}

/// <summary>An evaluation's verdict, for the evaluation reports and the run it judged.</summary>
public sealed class PipelineEvaluationConsumer(PipelineRecorder recorder) : IConsumer<EvaluationCompleted>
{
    public Task Consume(ConsumeContext<EvaluationCompleted> context) => recorder.EvaluatedAsync(context.Message, context.CancellationToken);
}

/// <summary>The registry's versions and alias moves, for the models and the runs they deployed.</summary>
public sealed class PipelineRegistryConsumer(PipelineRecorder recorder) :
    IConsumer<ModelRegistered>, IConsumer<ModelPromoted>, IConsumer<ModelRolledBack>
{
    public Task Consume(ConsumeContext<ModelRegistered> context) => recorder.RegisteredAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ModelPromoted> context) => recorder.PromotedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ModelRolledBack> context) => recorder.RolledBackAsync(context.Message, context.CancellationToken);
}
