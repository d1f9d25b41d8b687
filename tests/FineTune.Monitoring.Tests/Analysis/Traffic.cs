using FineTune.Contracts;
using FineTune.Datasets.Profiles;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>
/// Synthetic inference traffic with a known reference: prompts of 20–59 tokens, completions of 10–39,
/// prompt tokens 0–99 with weights 1/(id+1). Records are drawn from that distribution (unshifted) or
/// with planted changes, from a fixed seed so every run replays the same traffic.
/// </summary>
internal static class Traffic
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const int Vocabulary = 100;
    private static readonly double[] Weights = [.. Enumerable.Range(0, Vocabulary).Select(i => 1.0 / (i + 1))];
    private static readonly double WeightTotal = Weights.Sum();

    public static ReferenceProfile Reference { get; } = BuildReference();

    private static ReferenceProfile BuildReference()
    {
        var random = new Random(7);
        var counts = new long[Vocabulary];
        for (var i = 0; i < 200_000; i++) counts[Token(random)]++;
        return new ReferenceProfile(LengthDistribution.Of(Enumerable.Range(20, 40)), LengthDistribution.Of(Enumerable.Range(10, 30)),
            TokenFrequencyProfile.Of("test-tokenizer", counts));
    }

    /// <summary>The changes a replay can plant.</summary>
    /// <param name="Truncated">Every answer ends at its token limit (finish reason length).</param>
    public sealed record Shift(double PromptScale = 1, int UnseenTokens = 0, bool Error = false, double LatencyMs = 300, bool Truncated = false);

    /// <summary><paramref name="perMinute"/> records in each of <paramref name="minutes"/> minutes from <see cref="Start"/> + <paramref name="offset"/> minutes.</summary>
    public static IEnumerable<IReadOnlyList<InferenceRecorded>> Minutes(ModelRef model, int minutes, int perMinute, Shift? shift = null, int offset = 0,
        string? adapter = null, int seed = 1)
    {
        var random = new Random(seed + offset);
        for (var m = 0; m < minutes; m++)
            yield return [.. Enumerable.Range(0, perMinute).Select(i => Record(random, model, adapter, Start.AddMinutes(offset + m).AddSeconds(i * 60.0 / perMinute),
                $"{seed}-{offset + m}-{i}", shift ?? new Shift()))];
    }

    public static InferenceRecorded Record(Random random, ModelRef model, string? adapter, DateTimeOffset at, string id, Shift shift)
    {
        var prompt = (int)(random.Next(20, 60) * shift.PromptScale);
        var tokens = Enumerable.Range(0, 64).Select(i => i < shift.UnseenTokens ? 5000 + random.Next(1000) : Token(random)).Order().ToList();
        return new InferenceRecorded(id, model, adapter, prompt, random.Next(10, 40), shift.LatencyMs, 50, shift.Truncated ? "length" : "stop", random.Next(4) == 0, false, false,
            shift.Error ? 503 : 200, tokens, at);
    }

    private static int Token(Random random)
    {
        var x = random.NextDouble() * WeightTotal;
        for (var i = 0; i < Weights.Length; i++)
            if ((x -= Weights[i]) < 0) return i;
        return Weights.Length - 1;
    }
}
