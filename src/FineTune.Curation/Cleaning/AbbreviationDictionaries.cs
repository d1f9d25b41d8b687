namespace FineTune.Curation.Cleaning;

/// <summary>
/// The abbreviation dictionaries shipped with the service (<c>Dictionaries/&lt;name&gt;.tsv</c>) and
/// the one expander a curation run uses: the named dictionaries merged, then the user's own entries,
/// which win where they define the same abbreviation.
/// </summary>
public static class AbbreviationDictionaries
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Dictionaries");

    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.EnumerateFiles(Folder, "*.tsv").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    /// <summary>The expander for these dictionaries and entries, or null when there is nothing to expand.</summary>
    public static AbbreviationExpander? Build(IEnumerable<string> names, IReadOnlyDictionary<string, string> custom)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!Names.Contains(name)) throw new ArgumentException($"Unknown abbreviation dictionary '{name}' (shipped: {string.Join(", ", Names)}).", "abbreviations");
            foreach (var (abbreviation, expansion) in AbbreviationExpander.ReadTsv(Path.Combine(Folder, name + ".tsv")))
                entries[abbreviation] = expansion;
        }
        foreach (var (abbreviation, expansion) in custom)
        {
            if (string.IsNullOrWhiteSpace(abbreviation) || string.IsNullOrWhiteSpace(expansion))
                throw new ArgumentException($"Custom abbreviation '{abbreviation}' needs a non-empty abbreviation and expansion.", "custom_abbreviations");
            entries[abbreviation] = expansion;
        }
        return entries.Count == 0 ? null : new AbbreviationExpander(entries);
    }
}
