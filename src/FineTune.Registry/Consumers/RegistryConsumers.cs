using FineTune.Contracts;
using FineTune.Registry.Models;
using MassTransit;

namespace FineTune.Registry.Consumers;

/// <summary>A training job finished: register its model as the next version (once).</summary>
public sealed class TrainingCompletedConsumer(ModelRegistry registry) : IConsumer<TrainingCompleted>
{
    public Task Consume(ConsumeContext<TrainingCompleted> context) => registry.RegisterAsync(context.Message, context.CancellationToken);
}

/// <summary>An evaluation finished: attach it to its version and promote when the gate passed and the policy allows.</summary>
public sealed class EvaluationCompletedConsumer(ModelRegistry registry) : IConsumer<EvaluationCompleted>
{
    public Task Consume(ConsumeContext<EvaluationCompleted> context) => registry.AttachEvaluationAsync(context.Message, context.CancellationToken);
}
