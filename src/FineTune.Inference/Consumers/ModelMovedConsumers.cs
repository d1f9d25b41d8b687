using FineTune.Contracts;
using FineTune.Inference.Serving;
using MassTransit;

namespace FineTune.Inference.Consumers;

/// <summary>A production alias moved (promotion or rollback): the model's name resolves again, and the new version is loaded before requests need it.</summary>
public sealed class ModelMovedConsumer(ModelCatalog catalog) : IConsumer<ModelPromoted>, IConsumer<ModelRolledBack>
{
    public Task Consume(ConsumeContext<ModelPromoted> context) => SwitchAsync(context.Message.Model.Name, context.Message.Alias, context.CancellationToken);

    public Task Consume(ConsumeContext<ModelRolledBack> context) => SwitchAsync(context.Message.ModelName, context.Message.Alias, context.CancellationToken);

    private async Task SwitchAsync(string name, string alias, CancellationToken cancellationToken)
    {
        if (alias != "production") return;
        catalog.Invalidate(name);
        await using var preloaded = await catalog.ResolveAsync(name, cancellationToken); // loaded now, not by the next request
    }
}
