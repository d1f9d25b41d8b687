using FineTune.Models.Generation;

namespace FineTune.Models.Serving;

/// <summary>
/// The scheduler's view of one request: how much of its prompt is in the cache, how many tokens it
/// has generated, which cache blocks it holds and which <see cref="SequenceState"/> it is in. Only
/// the <see cref="IterationScheduler"/> moves it, and only along legal transitions; anything else
/// throws, so a bookkeeping slip in the serving loop shows up at once instead of as a corrupt cache.
/// The step that feeds the last prompt chunk also yields the first new token (the logits after the
/// prompt's last position), so <see cref="GeneratedCount"/> is 1 when prefill completes.
/// </summary>
public sealed class ServingSequence
{
    public ServingSequence(long id, int promptTokenCount, int maxNewTokens, CancellationToken cancellation = default)
    {
        if (promptTokenCount < 1)
            throw new ArgumentOutOfRangeException(nameof(promptTokenCount), promptTokenCount, "a prompt needs at least one token.");
        if (maxNewTokens < 1)
            throw new ArgumentOutOfRangeException(nameof(maxNewTokens), maxNewTokens, "max_new_tokens must be at least 1.");
        Id = id;
        PromptTokenCount = promptTokenCount;
        MaxNewTokens = maxNewTokens;
        Cancellation = cancellation;
    }

    public long Id { get; }

    public int PromptTokenCount { get; }

    public int MaxNewTokens { get; }

    /// <summary>Fires when the client goes away; the scheduler then cancels the sequence at once.</summary>
    public CancellationToken Cancellation { get; }

    public int PrefilledTokens { get; private set; }

    public int GeneratedCount { get; private set; }

    public SequenceState State { get; private set; } = SequenceState.Waiting;

    /// <summary>Set once the sequence is <see cref="SequenceState.Finished"/>.</summary>
    public FinishReason? FinishReason { get; private set; }

    /// <summary>Cache blocks held, in position order; empty while waiting and once ended.</summary>
    public IReadOnlyList<int> Blocks { get; private set; } = [];

    public int RemainingPromptTokens => PromptTokenCount - PrefilledTokens;

    /// <summary>The most cache positions this sequence can ever occupy: what admission reserves.</summary>
    public int ReservedTokens => PromptTokenCount + MaxNewTokens;

    public bool IsRunning => State is SequenceState.Prefilling or SequenceState.Decoding;

    public bool IsEnded => State is SequenceState.Finished or SequenceState.Cancelled;

    public static bool IsLegal(SequenceState from, SequenceState to) => (from, to) switch
    {
        (SequenceState.Waiting, SequenceState.Prefilling or SequenceState.Cancelled) => true,
        (SequenceState.Prefilling, SequenceState.Decoding or SequenceState.Finished or SequenceState.Cancelled) => true,
        (SequenceState.Decoding, SequenceState.Finished or SequenceState.Cancelled) => true,
        _ => false,
    };

    internal void Admit(IReadOnlyList<int> blocks)
    {
        MoveTo(SequenceState.Prefilling);
        Blocks = blocks;
    }

    internal void RecordPrefill(int tokens)
    {
        RequireState(SequenceState.Prefilling, "take prompt tokens");
        if (tokens < 1 || tokens > RemainingPromptTokens)
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens,
                $"sequence {Id} has {RemainingPromptTokens} prompt tokens left to prefill.");
        PrefilledTokens += tokens;
        if (RemainingPromptTokens > 0) return;
        GeneratedCount = 1;
        if (GeneratedCount >= MaxNewTokens) Finish(Generation.FinishReason.Length);
        else MoveTo(SequenceState.Decoding);
    }

    internal void RecordDecodedToken()
    {
        RequireState(SequenceState.Decoding, "take a decoded token");
        GeneratedCount++;
        if (GeneratedCount >= MaxNewTokens) Finish(Generation.FinishReason.Length);
    }

    internal void Finish(FinishReason reason)
    {
        MoveTo(SequenceState.Finished);
        FinishReason = reason;
    }

    internal void Cancel() => MoveTo(SequenceState.Cancelled);

    internal void ReleaseBlocks() => Blocks = [];

    private void MoveTo(SequenceState next)
    {
        if (!IsLegal(State, next))
            throw new InvalidOperationException($"Sequence {Id} cannot go from {State} to {next}.");
        State = next;
    }

    private void RequireState(SequenceState required, string action)
    {
        if (State != required)
            throw new InvalidOperationException($"Sequence {Id} is {State}; only a {required} sequence can {action}.");
    }
}
