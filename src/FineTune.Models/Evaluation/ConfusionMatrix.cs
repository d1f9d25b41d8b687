namespace FineTune.Models.Evaluation;

/// <summary>
/// Counts of (reference, prediction) pairs, so a report can show which classes the model confuses, not just how often
/// it is wrong. The labels are the class set followed by any predicted labels outside it (such as
/// <see cref="ClassificationMetrics.NoneLabel"/>); rows for those extra labels are always zero because no reference carries them.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;
    private readonly Dictionary<string, int> _index;

    internal ConfusionMatrix(IReadOnlyList<string> labels, int[,] counts)
    {
        Labels = labels;
        _counts = counts;
        _index = labels.Select((label, i) => (label, i)).ToDictionary(pair => pair.label, pair => pair.i, StringComparer.Ordinal);
    }

    /// <summary>Row and column labels, in report order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How many examples had reference <paramref name="reference"/> and prediction <paramref name="predicted"/>; 0 for labels never seen.</summary>
    public int Count(string reference, string predicted) =>
        _index.TryGetValue(reference, out int row) && _index.TryGetValue(predicted, out int column) ? _counts[row, column] : 0;
}
