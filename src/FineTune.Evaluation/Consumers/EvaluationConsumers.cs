using FineTune.Models.Artifacts;
using FineTune.Contracts;
using FineTune.Evaluation.Runs;
using MassTransit;

namespace FineTune.Evaluation.Consumers;

/// <summary>
/// A training job produced a model: evaluate it on its dataset version's test split, judged by the
/// policy of its model name (the job's suffix, else the dataset — the registry's naming) and compared
/// with the model that name has in production.
/// </summary>
public sealed class TrainingCompletedConsumer(Evaluator evaluator, ProductionModels production) : IConsumer<TrainingCompleted>
{
    public async Task Consume(ConsumeContext<TrainingCompleted> context)
    {
        var m = context.Message;
        var name = m.Suffix ?? m.Dataset.DatasetId;
        var serving = await production.JobOfProductionAsync(name, context.CancellationToken);
        await evaluator.RunAsync(EvaluationStore.ForJob(m.JobId),
            new EvaluationRequest(m.BaseModel, $"{m.Dataset.DatasetId}:{m.Dataset.Version}", m.JobId, name, serving == m.JobId ? null : serving), context.CancellationToken);
    }
}

/// <summary>An evaluation asked for over HTTP.</summary>
public sealed class EvaluateModelConsumer(Evaluator evaluator) : IConsumer<EvaluateModel>
{
    public Task Consume(ConsumeContext<EvaluateModel> context)
    {
        var m = context.Message;
        return evaluator.RunAsync(m.EvaluationId, new EvaluationRequest(m.BaseModel, m.Dataset, m.JobId, m.ModelName, m.ProductionJobId), context.CancellationToken);
    }
}
