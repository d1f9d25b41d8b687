using FineTune.Models.Adapters;

namespace FineTune.Inference.Serving;

/// <summary>
/// A registered version in the catalog's cache: an adapter riding on its shared base model, or a
/// fully fine-tuned model with a batcher of its own (<paramref name="OwnsHost"/>), which goes with it
/// when it is evicted. Evicting an adapter frees only the adapter; the base stays.
/// </summary>
/// <param name="BaseName">The base model it was trained from.</param>
public sealed record LoadedVersion(ServedModel Host, ServingAdapter? Adapter, bool OwnsHost, string BaseName) : IAsyncDisposable
{
    public long Bytes => OwnsHost ? Host.Bytes : Adapter?.Bytes ?? 0;

    public string Kind => Adapter is not null ? "adapter" : "model";

    public ValueTask DisposeAsync() => OwnsHost ? Host.DisposeAsync() : ValueTask.CompletedTask;
}
