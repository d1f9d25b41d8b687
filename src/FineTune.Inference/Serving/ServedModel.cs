using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;

namespace FineTune.Inference.Serving;

/// <summary>
/// A model ready to serve: its weights and text handling, under the id it was resolved to
/// (<c>finetune-base</c>, <c>support-bot:3</c>), with its own continuous batcher — every request for
/// this version joins the one running batch. A request in flight keeps its model even when the name
/// moves to another version.
/// </summary>
public sealed class ServedModel(string id, LlamaModel model, ModelText text, SchedulerSettings batching, WeightPrecision weights) : IAsyncDisposable
{
    private readonly ContinuousBatcher _batcher = new(new InferenceSession(model, weights), batching);

    public string Id { get; } = id;
    public LlamaModel Model { get; } = model;
    public ModelText Text { get; } = text;

    /// <summary>
    /// Generates <paramref name="choices"/> answers to one prompt in the running batch; token events carry
    /// the choice's index. Throws <see cref="ServerBusyException"/> when the queue is full.
    /// </summary>
    public Task<GenerationResult[]> GenerateAsync(int[] prompt, SamplingOptions options, int choices, TokenCallback? onToken, CancellationToken cancellationToken)
    {
        string Decode(int token) => Text.Tokenizer.Decode([token], skipSpecialTokens: true);
        return Task.WhenAll(Enumerable.Range(0, choices).Select(choice => _batcher.SubmitAsync(prompt, options with { Seed = options.Seed + (ulong)choice }, Decode,
            onToken is null ? null : e => onToken(e with { SequenceIndex = choice }), cancellationToken)));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
