namespace FineTune.Models.Evaluation;

/// <summary>
/// Classification metrics over class names, plus the mapping from a generative model's free text to a class, since a
/// fine-tuned language model answers "Positive." or "negative, because ..." rather than a label id.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// Stands for generated text that names no class. It is always wrong and shows up as its own confusion-matrix column,
    /// so format failures are visible separately from wrong answers.
    /// </summary>
    public const string NoneLabel = "<none>";

    /// <summary>
    /// Scores predictions against references. The class set is <paramref name="classes"/> (in the given order) followed by
    /// reference labels not listed there, sorted ordinally. Predicted labels outside the class set are errors but not
    /// classes of their own, so a hallucinated label lowers recall without adding a zero to the macro average.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, there are no examples, a label is null, or a class is named <see cref="NoneLabel"/>.</exception>
    public static ClassificationReport Evaluate(
        IReadOnlyList<string> references, IReadOnlyList<string> predictions, IReadOnlyList<string>? classes = null)
    {
        Validate(references, predictions, classes);

        List<string> classSet = OrderedClassSet(references, classes);
        var known = new HashSet<string>(classSet, StringComparer.Ordinal);
        List<string> labels = [.. classSet, .. predictions.Where(p => !known.Contains(p)).Distinct().Order(StringComparer.Ordinal)];
        var index = labels.Select((label, i) => (label, i)).ToDictionary(pair => pair.label, pair => pair.i, StringComparer.Ordinal);

        var counts = new int[labels.Count, labels.Count];
        for (int i = 0; i < references.Count; i++) counts[index[references[i]], index[predictions[i]]]++;

        List<ClassMetrics> perClass = [.. classSet.Select((label, i) => MetricsFor(label, i, counts))];
        List<ClassMetrics> averaged = [.. perClass.Where(c => c.CountsTowardMacroAverage)];
        int correct = Enumerable.Range(0, classSet.Count).Sum(i => counts[i, i]);

        return new ClassificationReport(
            references.Count,
            (double)correct / references.Count,
            averaged.Average(c => c.F1),
            perClass,
            new ConfusionMatrix(labels, counts));
    }

    /// <summary>
    /// The class whose name the trimmed, lower-cased <paramref name="generated"/> text starts with (compared
    /// case-insensitively), trying longer names first so "not spam" wins over "not"; null when none matches.
    /// Ties in length go to the class listed first.
    /// </summary>
    /// <exception cref="ArgumentException">A class name is empty or whitespace, which would match any text.</exception>
    public static string? MatchLabel(string generated, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Class names must not be empty.", nameof(classes));

        string text = generated.Trim().ToLowerInvariant();
        return classes
            .OrderByDescending(name => name.Length)
            .FirstOrDefault(name => text.StartsWith(name.ToLowerInvariant(), StringComparison.Ordinal));
    }

    private static void Validate(IReadOnlyList<string> references, IReadOnlyList<string> predictions, IReadOnlyList<string>? classes)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(predictions);
        if (references.Count != predictions.Count)
            throw new ArgumentException($"{references.Count} references but {predictions.Count} predictions.", nameof(predictions));
        if (references.Count == 0) throw new ArgumentException("There must be at least one example.", nameof(references));
        if (references.Contains(null!) || predictions.Contains(null!) || (classes?.Contains(null!) ?? false))
            throw new ArgumentException("Labels must not be null; map unmatched text to NoneLabel.", nameof(predictions));
        if (references.Contains(NoneLabel) || (classes?.Contains(NoneLabel) ?? false))
            throw new ArgumentException($"'{NoneLabel}' is reserved for unmatched predictions and cannot be a class.", nameof(classes));
    }

    private static List<string> OrderedClassSet(IReadOnlyList<string> references, IReadOnlyList<string>? classes)
    {
        List<string> listed = [.. (classes ?? []).Distinct(StringComparer.Ordinal)];
        var seen = new HashSet<string>(listed, StringComparer.Ordinal);
        return [.. listed, .. references.Where(r => !seen.Contains(r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static ClassMetrics MetricsFor(string label, int i, int[,] counts)
    {
        int truePositives = counts[i, i];
        int support = 0, predicted = 0;
        for (int j = 0; j < counts.GetLength(0); j++)
        {
            support += counts[i, j];
            predicted += counts[j, i];
        }

        return new ClassMetrics(
            label,
            Precision: Ratio(truePositives, predicted),
            Recall: Ratio(truePositives, support),
            F1: Ratio(2 * truePositives, support + predicted),
            support,
            predicted);
    }

    /// <summary>Zero when the denominator is zero, as scikit-learn's default <c>zero_division</c> reports it.</summary>
    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0.0 : (double)numerator / denominator;
}
