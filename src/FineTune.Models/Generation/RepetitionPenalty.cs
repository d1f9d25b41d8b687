namespace FineTune.Models.Generation;

/// <summary>
/// Hugging Face's <c>RepetitionPenaltyLogitsProcessor</c>: each distinct token id already in the
/// sequence gets its logit pushed towards "less likely" — divided by the penalty when positive,
/// multiplied when zero or negative (dividing a negative logit would raise it). An id that occurs
/// several times is penalised once, as Hugging Face's gather/scatter does.
/// </summary>
internal sealed class RepetitionPenalty(float penalty)
{
    // _penalisedAtCall[id] == _call marks "already penalised in this call"; bumping _call forgets
    // all marks at once, so no clearing pass over the vocabulary per step.
    private int[] _penalisedAtCall = [];
    private int _call;

    public static float Penalize(float logit, float penalty) => logit > 0 ? logit / penalty : logit * penalty;

    // logits: (V), previousTokens: (N) ids in [0, V)
    public void Apply(Span<float> logits, ReadOnlySpan<int> previousTokens)
    {
        if (_penalisedAtCall.Length != logits.Length || _call == int.MaxValue)
        {
            _penalisedAtCall = new int[logits.Length];
            _call = 0;
        }
        _call++;
        for (int i = 0; i < previousTokens.Length; i++)
        {
            int id = previousTokens[i];
            if ((uint)id >= (uint)logits.Length)
                throw new ArgumentOutOfRangeException(nameof(previousTokens),
                    $"previous token {id} at position {i} is outside the vocabulary [0, {logits.Length}).");
            if (_penalisedAtCall[id] == _call) continue;
            _penalisedAtCall[id] = _call;
            logits[id] = Penalize(logits[id], penalty);
        }
    }
}
