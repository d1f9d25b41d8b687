using FineTune.Cli.Client;

namespace FineTune.Cli.Commands;

/// <summary>A curated version's card in one line: records in and out, per split, PII redacted, duplicates removed.</summary>
internal static class DatasetSummary
{
    public static string Describe(DatasetVersion version, DatasetCardCounts card) =>
        $"{version.Id}: {card.RecordsIn} records in, {card.RecordsOut} out " +
        $"({string.Join(", ", card.SplitRecords.Select(s => $"{s.Key} {s.Value}"))}); " +
        $"{card.PiiTotal} PII redacted{Kinds(card.PiiRedacted)}; " +
        $"{card.DuplicatesRemoved} duplicates removed ({card.ExactDuplicatesRemoved} exact, {card.NearDuplicatesRemoved} near)";

    private static string Kinds(IReadOnlyDictionary<string, int> counts) =>
        counts.Any(c => c.Value > 0) ? $" ({string.Join(", ", counts.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))})" : "";
}
