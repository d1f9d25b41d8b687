namespace FineTune.Models.Serving;

/// <summary>
/// Where a <see cref="ServingSequence"/> is in its life. Legal moves:
/// Waiting → Prefilling | Cancelled; Prefilling → Decoding | Finished | Cancelled;
/// Decoding → Finished | Cancelled. Finished and Cancelled are final (see <see cref="ServingSequence.IsLegal"/>).
/// </summary>
public enum SequenceState
{
    /// <summary>Queued; holds no cache blocks.</summary>
    Waiting,

    /// <summary>Admitted with its blocks reserved; its prompt is being fed in chunks.</summary>
    Prefilling,

    /// <summary>Prompt done; one new token per step.</summary>
    Decoding,

    /// <summary>Ended by a stop or the token limit; blocks returned.</summary>
    Finished,

    /// <summary>Ended by its client (disconnect or explicit cancel); blocks returned.</summary>
    Cancelled,
}
