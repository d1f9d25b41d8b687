using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;

namespace FineTune.Inference.Serving;

/// <summary>
/// A model ready to serve: its weights and text handling, under the id it was resolved to
/// (<c>finetune-base</c>, <c>support-bot:3</c>). Generation on it is one request at a time for now;
/// a request in flight keeps its model even when the name moves to another version.
/// </summary>
public sealed class ServedModel(string id, LlamaModel model, ModelText text)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public string Id { get; } = id;
    public LlamaModel Model { get; } = model;
    public ModelText Text { get; } = text;
    public InferenceSession Session { get; } = new(model);

    public async Task<T> RunAsync<T>(Func<T> generate, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try { return await Task.Run(generate, cancellationToken); }
        finally { _turn.Release(); }
    }
}
