namespace FineTune.Models.Generation;

/// <summary>
/// The plain reference for <see cref="Sampler"/>'s filtering: Hugging Face's processors written out
/// literally over the whole vocabulary with full sorts, masking with −∞ and a softmax after each
/// step. Slow and allocating; tests compare the sampler's kept set and probabilities against it.
/// </summary>
internal static class SamplingReference
{
    // logits: (V), previousTokens: (N) → probabilities (V) of the distribution the draw uses
    public static double[] Probabilities(ReadOnlySpan<float> logits, ReadOnlySpan<int> previousTokens, SamplingOptions options)
    {
        float[] penalized = logits.ToArray();
        foreach (int id in new HashSet<int>(previousTokens.ToArray()))
            penalized[id] = RepetitionPenalty.Penalize(penalized[id], options.RepetitionPenalty);

        int vocab = penalized.Length;
        if (options.IsGreedy)
        {
            var oneHot = new double[vocab];
            oneHot[Array.IndexOf(penalized, penalized.Max())] = 1;
            return oneHot;
        }

        var scores = new double[vocab];
        for (int i = 0; i < vocab; i++) scores[i] = penalized[i] / (double)options.Temperature;

        // Descending by score, equal scores by lower id: the order every filter cuts.
        int[] descending = Enumerable.Range(0, vocab).ToArray();
        Array.Sort(descending, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));

        if (options.TopK > 0)
            for (int rank = options.TopK; rank < vocab; rank++) scores[descending[rank]] = double.NegativeInfinity;

        if (options.TopP < 1)
        {
            // Hugging Face: ascending cumulative probability; drop ids whose cumsum ≤ 1 − p, never the top one.
            double[] probabilities = Softmax(scores);
            double cumulative = 0;
            for (int rank = vocab - 1; rank >= 1; rank--)
            {
                int id = descending[rank];
                cumulative += probabilities[id];
                if (cumulative <= 1 - options.TopP) scores[id] = double.NegativeInfinity;
            }
        }

        if (options.MinP is > 0f and var minP)
        {
            double[] probabilities = Softmax(scores);
            double threshold = minP * probabilities.Max();
            for (int id = 0; id < vocab; id++)
                if (probabilities[id] < threshold) scores[id] = double.NegativeInfinity;
        }

        return Softmax(scores);
    }

    private static double[] Softmax(double[] scores)
    {
        double max = scores.Max();
        double[] exps = scores.Select(s => Math.Exp(s - max)).ToArray();
        double sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }
}
