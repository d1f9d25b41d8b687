using FineTune.Models.Adapters;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;

namespace FineTune.Inference.Serving;

/// <summary>
/// What one request is served with, held for the request's lifetime: the model id it resolved to
/// (<c>support-bot:3</c>), the model whose batch it joins, and the adapter on that model if the version
/// is one. While the lease is held the version cannot be evicted, so a request in flight finishes on
/// the version it started with even when a promotion moves the name.
/// </summary>
public sealed class ModelLease(string id, ServedModel host, ServingAdapter? adapter, IAsyncDisposable? release) : IAsyncDisposable
{
    public string Id { get; } = id;
    public ServedModel Host { get; } = host;
    public ServingAdapter? Adapter { get; } = adapter;
    public ModelText Text => Host.Text;
    public int ContextLength => Host.Model.Config.MaxPositionEmbeddings;

    public Task<GenerationResult[]> GenerateAsync(int[] prompt, SamplingOptions options, int choices, TokenCallback? onToken, CancellationToken cancellationToken) =>
        Host.GenerateAsync(prompt, options, choices, Adapter, onToken, cancellationToken);

    public ValueTask DisposeAsync() => release?.DisposeAsync() ?? ValueTask.CompletedTask;
}
