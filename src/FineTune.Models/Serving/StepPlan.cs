namespace FineTune.Models.Serving;

/// <summary>Prompt tokens <c>[Start, Start + Length)</c> of a sequence to feed this step.</summary>
public readonly record struct PrefillChunk(ServingSequence Sequence, int Start, int Length)
{
    /// <summary>Whether this chunk ends the prompt, so the step also samples the first new token.</summary>
    public bool CompletesPrompt => Start + Length == Sequence.PromptTokenCount;
}

/// <summary>
/// One iteration of the serving loop as decided by <see cref="IterationScheduler.NextStep"/>: every
/// decoding sequence feeds its last token and samples one more, and prompt chunks fill the rest of
/// the token budget. Hand it back to <see cref="IterationScheduler.OnTokensDone"/> once the model has run.
/// </summary>
public sealed class StepPlan
{
    internal StepPlan(long number, IReadOnlyList<ServingSequence> admitted, IReadOnlyList<ServingSequence> decodes, IReadOnlyList<PrefillChunk> prefills)
    {
        Number = number;
        Admitted = admitted;
        Decodes = decodes;
        Prefills = prefills;
    }

    /// <summary>Counts steps from 1; a plan can be reported done only once and only while it is the latest.</summary>
    public long Number { get; }

    /// <summary>Sequences admitted while planning this step; the engine sets up their caches.</summary>
    public IReadOnlyList<ServingSequence> Admitted { get; }

    public IReadOnlyList<ServingSequence> Decodes { get; }

    /// <summary>In arrival order.</summary>
    public IReadOnlyList<PrefillChunk> Prefills { get; }

    public int TokenCount => Decodes.Count + Prefills.Sum(chunk => chunk.Length);

    public bool IsEmpty => Decodes.Count == 0 && Prefills.Count == 0;
}
