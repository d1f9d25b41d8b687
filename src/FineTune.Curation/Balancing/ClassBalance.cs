namespace FineTune.Curation.Balancing;

/// <summary>
/// How a labelled dataset's examples spread over its classes: the count per label (ordinal order),
/// the largest and smallest class, and their ratio — what a dataset card reports and what decides
/// whether oversampling or class weights are worth turning on.
/// </summary>
public sealed record ClassBalance
{
    private ClassBalance(SortedDictionary<string, int> counts)
    {
        Counts = counts;
        Total = counts.Values.Sum();
        Majority = counts.Values.Max();
        Minority = counts.Values.Min();
    }

    /// <summary>Examples per label, enumerated in ordinal label order.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    public int Total { get; }

    /// <summary>The size of the largest class.</summary>
    public int Majority { get; }

    /// <summary>The size of the smallest class.</summary>
    public int Minority { get; }

    /// <summary>Majority over minority: 1 for a balanced dataset.</summary>
    public double ImbalanceRatio => (double)Majority / Minority;

    /// <summary>The fraction of all examples that carry the label; 0 for a label the dataset lacks.</summary>
    public double Share(string label) => Counts.TryGetValue(label, out var count) ? (double)count / Total : 0;

    public static ClassBalance Of(IEnumerable<string> labels)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in labels)
            counts[label] = counts.GetValueOrDefault(label) + 1;
        // with no class there is no majority or minority, and a ratio of 0/0 would only mislead a card
        if (counts.Count == 0) throw new ArgumentException("A class balance needs at least one labelled example.", nameof(labels));
        return new ClassBalance(counts);
    }
}
