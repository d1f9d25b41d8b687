using FineTune.Models.Generation;

namespace FineTune.Models.Llama;

/// <summary>
/// Generates continuations of several prompts at once: one prefill step for all prompts, then one
/// decode step per token in which every unfinished sequence contributes its last token. Sequences
/// finish independently (stop id, stop string, token limit, full context) and leave the batch.
/// </summary>
public sealed class LlamaGenerator(InferenceSession session)
{
    /// <param name="decode">Text of one token id, for stop strings and streaming; null treats text as empty.</param>
    /// <param name="onToken">Called once per new token of each sequence, in order (see <see cref="TokenCallback"/>).</param>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<int[]> prompts, SamplingOptions options,
        Func<int, string>? decode = null, TokenCallback? onToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        options.Validate();
        var config = session.Model.Config;
        var contexts = new SequenceGeneration[prompts.Count];
        var caches = new KvCache[prompts.Count];
        for (var s = 0; s < prompts.Count; s++)
        {
            var prompt = prompts[s];
            if (prompt.Length == 0) throw new ArgumentException($"Prompt {s} is empty; a prompt needs at least one token (e.g. BOS).", nameof(prompts));
            foreach (var id in prompt)
                if ((uint)id >= (uint)config.VocabSize)
                    throw new ArgumentException($"Prompt {s} holds token id {id}, outside the vocabulary (0…{config.VocabSize - 1}).", nameof(prompts));
            var room = config.MaxPositionEmbeddings - prompt.Length;
            if (room < 1)
                throw new ArgumentException($"Prompt {s} has {prompt.Length} tokens; the model's context holds {config.MaxPositionEmbeddings}.", nameof(prompts));
            contexts[s] = new SequenceGeneration(options, prompt, s, contextRemaining: room);
            caches[s] = session.NewCache(Math.Min(config.MaxPositionEmbeddings, prompt.Length + Math.Min(options.MaxNewTokens, room)));
        }

        var active = Enumerable.Range(0, prompts.Count).ToList();
        var steps = new List<SequenceStep>(active.Count);
        foreach (var s in active) steps.Add(new SequenceStep(caches[s], prompts[s]));
        var logits = new float[active.Count * config.VocabSize];
        while (active.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            session.Forward(steps, logits.AsSpan(0, steps.Count * config.VocabSize));
            steps.Clear();
            var next = new List<int>(active.Count);
            for (var i = 0; i < active.Count; i++)
            {
                var s = active[i];
                var row = logits.AsSpan(i * config.VocabSize, config.VocabSize);
                var token = contexts[s].SampleNext(row);
                var tokenEvent = contexts[s].Accept(token, decode?.Invoke(token) ?? "");
                onToken?.Invoke(tokenEvent);
                if (tokenEvent.IsLast) continue;
                next.Add(s);
                steps.Add(new SequenceStep(caches[s], new[] { token }));
            }
            active = next;
        }
        return contexts.Select(c => c.ToResult()).ToList();
    }
}
