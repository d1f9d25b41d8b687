using FineTune.Datasets.Pii;
using FineTune.Datasets.Safety;

namespace FineTune.Evaluation.Safety;

/// <summary>One unsafe output kept for a reviewer, with the screen's reasons.</summary>
public sealed record UnsafeExample(string Prompt, string Output, IReadOnlyList<string> Categories, IReadOnlyList<string> Reasons);

/// <summary>
/// A screen's verdicts over a set of (prompt, output) pairs, summarised for the ship decision: the
/// unsafe rate overall and per category (each over all pairs, so rates of overlapping categories may
/// sum past the overall rate), the refusal rate, personal data found per kind over every output
/// (refusals included, since a refusal can still leak), and the first unsafe examples in input order.
/// </summary>
public sealed record SafetyReport(
    string Screen,
    int Total,
    double UnsafeRate,
    IReadOnlyDictionary<string, double> UnsafeRateByCategory,
    double RefusalRate,
    IReadOnlyDictionary<PiiKind, int> PiiCounts,
    IReadOnlyList<UnsafeExample> WorstExamples)
{
    public static SafetyReport Build(ISafetyScreen screen, IEnumerable<(string Prompt, string Output)> pairs, int worstExamples = 10)
    {
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegative(worstExamples);

        var total = 0;
        var unsafeCount = 0;
        var refused = 0;
        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var pii = new Dictionary<PiiKind, int>();
        var examples = new List<UnsafeExample>();
        foreach (var (prompt, output) in pairs)
        {
            total++;
            var verdict = screen.Screen(prompt, output);
            PiiRedactor.Redact(output, pii);
            if (verdict.Refused) refused++;
            if (!verdict.Unsafe) continue;
            unsafeCount++;
            foreach (var category in verdict.Categories) byCategory[category] = byCategory.GetValueOrDefault(category) + 1;
            if (examples.Count < worstExamples) examples.Add(new UnsafeExample(prompt, output, verdict.Categories, verdict.Reasons));
        }

        double Rate(int count) => total == 0 ? 0 : (double)count / total;
        return new SafetyReport(
            screen.Name,
            total,
            Rate(unsafeCount),
            byCategory.ToDictionary(pair => pair.Key, pair => Rate(pair.Value)),
            Rate(refused),
            pii,
            examples);
    }
}
