using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FineTune.Models.Generation;

/// <summary>
/// Picks the next token of one sequence from the model's logits row, in Hugging Face's order:
/// repetition penalty → temperature → top-k → top-p → min-p → softmax → draw. Temperature 0 is
/// greedy: argmax after the penalty, ties to the lowest id, no random draw consumed.
/// </summary>
/// <remarks>
/// One sampler per sequence; not thread-safe. Buffers are sized on the first call and reused, so
/// steady-state calls allocate nothing. With a seed the draws are reproducible: the generator is
/// the project's own xoshiro256**, uniform numbers come from its top 53 bits, and weights are
/// summed in a fixed order. The only platform-dependent step is <see cref="Math.Exp"/>, whose last
/// bit may differ between C runtimes; that changes a draw only when the uniform number falls within
/// about 1e-16 of a boundary between two tokens.
/// </remarks>
public sealed class Sampler
{
    private readonly RepetitionPenalty? _repetitionPenalty;
    private readonly Xoshiro256StarStar _random;

    // The kept candidates of the last call, in a deterministic order (vocabulary order when nothing
    // is filtered), with unnormalised weights exp((logit − max) / T).
    private int[] _kept = [];
    private double[] _keptWeights = [];
    private int _keptCount;
    private double _keptTotal;
    // weight by token id, for the ids still in play
    private double[] _weightOf = [];

    /// <param name="options">Validated here; throws <see cref="ArgumentException"/> naming the bad field.</param>
    /// <param name="sequenceIndex">
    /// Which sequence of a batch this is: sequences sharing one seed get different, reproducible
    /// streams (stream <paramref name="sequenceIndex"/> of the seed).
    /// </param>
    public Sampler(SamplingOptions options, int sequenceIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceIndex);
        Options = options;
        Seed = options.Seed ?? FreshSeed();
        _random = new Xoshiro256StarStar(Seed, (ulong)sequenceIndex);
        if (options.RepetitionPenalty != 1f) _repetitionPenalty = new RepetitionPenalty(options.RepetitionPenalty);
    }

    public SamplingOptions Options { get; }

    /// <summary>The seed in use: the one given, or the random one drawn when none was (log it to replay a run).</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Chooses the next token id.
    /// </summary>
    /// <param name="logits">(V) the model's logits for the next position; used as scratch and left modified.</param>
    /// <param name="previousTokens">(N) prompt and generated ids so far, each in [0, V); read only by the repetition penalty.</param>
    /// <exception cref="ArgumentException">a logit is NaN or +∞, every logit is −∞, or an id is outside the vocabulary.</exception>
    public int Next(Span<float> logits, ReadOnlySpan<int> previousTokens)
    {
        int argmax = PenalizeAndFindMax(logits, previousTokens);
        if (Options.IsGreedy) return argmax;
        KeepCandidates(logits, logits[argmax]);
        return Draw();
    }

    /// <summary>Runs every step before the draw, leaving the kept set in <see cref="KeptTokens"/>; for tests.</summary>
    internal void Filter(Span<float> logits, ReadOnlySpan<int> previousTokens)
    {
        if (Options.IsGreedy) throw new InvalidOperationException("A greedy sampler keeps no candidate set.");
        int argmax = PenalizeAndFindMax(logits, previousTokens);
        KeepCandidates(logits, logits[argmax]);
    }

    internal ReadOnlySpan<int> KeptTokens => _kept.AsSpan(0, _keptCount);
    internal ReadOnlySpan<double> KeptWeights => _keptWeights.AsSpan(0, _keptCount);

    // logits: (V) → index of the largest logit, lowest id on ties
    private int PenalizeAndFindMax(Span<float> logits, ReadOnlySpan<int> previousTokens)
    {
        if (logits.IsEmpty) throw new ArgumentException("logits must not be empty.", nameof(logits));
        _repetitionPenalty?.Apply(logits, previousTokens);
        int argmax = 0;
        float best = logits[0];
        for (int i = 0; i < logits.Length; i++)
        {
            float x = logits[i];
            if (!(x < float.PositiveInfinity)) // NaN or +∞
                throw new ArgumentException($"logit {i} is {x}; the model produced a non-finite value.", nameof(logits));
            if (x > best) (argmax, best) = (i, x);
        }
        if (float.IsNegativeInfinity(best))
            throw new ArgumentException("every logit is -infinity; no token can be drawn.", nameof(logits));
        return argmax;
    }

    // logits: (V), max: the largest of them → _kept/_keptWeights/_keptCount/_keptTotal
    private void KeepCandidates(ReadOnlySpan<float> logits, float max)
    {
        int vocab = logits.Length;
        double temperature = Options.Temperature;
        EnsureCapacity(vocab);

        int drawable = 0;
        for (int id = 0; id < vocab; id++)
            if (!float.IsNegativeInfinity(logits[id])) _kept[drawable++] = id;
        Span<int> kept = _kept.AsSpan(0, drawable);

        if (Options.TopK > 0 && Options.TopK < kept.Length)
        {
            TokenSelection.SelectBest(kept, Options.TopK, logits);
            kept = kept[..Options.TopK];
        }

        // Weights only for what top-k left: that is also the set top-p's probabilities are relative to.
        double total = 0;
        foreach (int id in kept) total += _weightOf[id] = Weight(logits[id], max, temperature);

        if (Options.TopP < 1)
        {
            // Ids lighter than (1 − p)·total / n weigh less than (1 − p)·total together, so the rest
            // already holds mass p and contains the nucleus: drop them before selecting. With a
            // peaked distribution this leaves a few dozen ids.
            double mass = Options.TopP * total;
            double negligible = (total - mass) / kept.Length;
            int heavy = 0;
            foreach (int id in kept)
                if (_weightOf[id] >= negligible) kept[heavy++] = id;
            kept = kept[..heavy];
            kept = kept[..TokenSelection.SelectMass(kept, mass, _weightOf, logits)];
        }

        // The top token weighs exactly 1, so min-p's "p ≥ min_p · p_max" compares weights directly;
        // renormalising after top-k/top-p would not change the ratio.
        double minWeight = Options.MinP ?? 0;
        int count = 0;
        total = 0;
        foreach (int id in kept)
        {
            double weight = _weightOf[id];
            if (weight < minWeight) continue;
            _kept[count] = id;
            _keptWeights[count++] = weight;
            total += weight;
        }
        (_keptCount, _keptTotal) = (count, total);
    }

    private static double Weight(float logit, float max, double temperature) => Math.Exp(((double)logit - max) / temperature);

    // Inverse-CDF draw over the kept candidates in their stored order.
    private int Draw()
    {
        double target = _random.NextDouble() * _keptTotal;
        double cumulative = 0;
        int lastDrawable = -1;
        for (int j = 0; j < _keptCount; j++)
        {
            double weight = _keptWeights[j];
            if (weight <= 0) continue;
            cumulative += weight;
            lastDrawable = j;
            if (cumulative > target) return _kept[j];
        }
        // Only reachable when rounding makes target equal the total.
        return _kept[lastDrawable];
    }

    private void EnsureCapacity(int vocab)
    {
        if (_kept.Length >= vocab) return;
        _kept = new int[vocab];
        _keptWeights = new double[vocab];
        _weightOf = new double[vocab];
    }

    private static ulong FreshSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
