namespace FineTune.Models.Generation;

/// <summary>One generated token, as the streaming callback sees it.</summary>
/// <param name="SequenceIndex">Which sequence of the batch produced it.</param>
/// <param name="TokenId">The sampled id (also when it is a stop token).</param>
/// <param name="Text">
/// Text released by this token: not necessarily the token's own text. It is empty while a possible
/// stop string is held back, may carry held text from earlier tokens, never contains (part of) a
/// stop string that appeared, and on the last event of a sequence includes everything still held.
/// Concatenating every event's Text gives <see cref="GenerationResult.Text"/>.
/// </param>
/// <param name="FinishReason">Set on the sequence's last event, null before.</param>
public readonly record struct TokenEvent(int SequenceIndex, int TokenId, string Text, FinishReason? FinishReason)
{
    public bool IsLast => FinishReason is not null;
}

/// <summary>
/// Called by the generation loop once per new token of each sequence, in order, on the loop's
/// thread, before the next step starts; a slow callback slows generation. Exactly one event per
/// sequence has <see cref="TokenEvent.FinishReason"/> set, and no event follows it for that sequence.
/// </summary>
public delegate void TokenCallback(TokenEvent token);
