using FineTune.Models.Adapters;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;

namespace FineTune.Inference.Serving;

/// <summary>
/// A model in memory with its own continuous batcher: a base model (which every adapter trained on it
/// shares) or a fully fine-tuned version. Every request for it, whichever adapter it names, joins the
/// one running batch.
/// </summary>
public sealed class ServedModel : IAsyncDisposable
{
    private readonly ContinuousBatcher _batcher;

    public ServedModel(string id, LlamaModel model, ModelText text, SchedulerSettings batching, WeightPrecision weights)
    {
        var session = new InferenceSession(model, weights);
        (Id, Model, Text, _batcher) = (id, model, text, new ContinuousBatcher(session, batching));
        // the float32 parameters stay for the embedding and norms (and for DoRA's norms); the served copies come on top
        Bytes = model.Parameters.Length * (long)sizeof(float) + session.ProjectionBytes;
    }

    public string Id { get; }
    public LlamaModel Model { get; }
    public ModelText Text { get; }

    /// <summary>Weight bytes it holds (KV caches come and go with requests).</summary>
    public long Bytes { get; }

    public IterationScheduler Scheduler => _batcher.Scheduler;

    /// <summary>
    /// Generates <paramref name="choices"/> answers to one prompt in the running batch, with
    /// <paramref name="adapter"/> on this model if given; token events carry the choice's index.
    /// Throws <see cref="ServerBusyException"/> when the queue is full.
    /// </summary>
    public Task<GenerationResult[]> GenerateAsync(int[] prompt, SamplingOptions options, int choices, ServingAdapter? adapter, TokenCallback? onToken,
        CancellationToken cancellationToken)
    {
        string Decode(int token) => Text.Tokenizer.Decode([token], skipSpecialTokens: true);
        return Task.WhenAll(Enumerable.Range(0, choices).Select(choice => _batcher.SubmitAsync(prompt, options with { Seed = options.Seed + (ulong)choice }, Decode,
            onToken is null ? null : e => onToken(e with { SequenceIndex = choice }), adapter, cancellationToken)));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
