using System.Text.RegularExpressions;

namespace FineTune.Curation.Cleaning;

/// <summary>
/// Expands domain abbreviations from a dictionary, whole words only and case-aware: an abbreviation
/// written with a capital letter matches only as written ("MI", so the Spanish "mi" stays); an
/// all-lower-case one also matches with a capital first letter and keeps it ("Pt" → "Patient").
/// Longer abbreviations win over their prefixes ("w/o" before "w/").
/// </summary>
public sealed class AbbreviationExpander
{
    private readonly Dictionary<string, string> _expansions;
    private readonly Regex _pattern;

    public AbbreviationExpander(IReadOnlyDictionary<string, string> expansions)
    {
        if (expansions.Count == 0) throw new ArgumentException("An abbreviation dictionary needs at least one entry.", nameof(expansions));
        _expansions = new Dictionary<string, string>(StringComparer.Ordinal);
        var alternatives = new List<string>();
        foreach (var (abbreviation, expansion) in expansions)
        {
            _expansions[abbreviation] = expansion;
            alternatives.Add(Regex.Escape(abbreviation));
            if (abbreviation.All(c => !char.IsUpper(c)) && char.IsLower(abbreviation[0]))
            {
                var capitalized = char.ToUpperInvariant(abbreviation[0]) + abbreviation[1..];
                if (!expansions.ContainsKey(capitalized))
                {
                    _expansions[capitalized] = char.ToUpperInvariant(expansion[0]) + expansion[1..];
                    alternatives.Add(Regex.Escape(capitalized));
                }
            }
        }
        // longest first, so an abbreviation is never cut short by one it starts with
        var ordered = alternatives.OrderByDescending(a => a.Length).ThenBy(a => a, StringComparer.Ordinal);
        _pattern = new Regex($@"(?<![\p{{L}}\p{{N}}/])(?:{string.Join("|", ordered)})(?![\p{{L}}\p{{N}}/])", RegexOptions.CultureInvariant);
    }

    public int Count => _expansions.Count;

    /// <summary>The text with every abbreviation expanded; <paramref name="expanded"/> counts the replacements.</summary>
    public string Expand(string text, out int expanded)
    {
        var count = 0;
        var result = _pattern.Replace(text, match =>
        {
            count++;
            return _expansions[match.Value];
        });
        expanded = count;
        return result;
    }

    /// <summary>Reads abbreviation⇥expansion lines ('#' starts a comment) into one expander.</summary>
    public static AbbreviationExpander FromTsv(string path) => new(ReadTsv(path));

    /// <summary>Reads abbreviation⇥expansion lines ('#' starts a comment); an error names the file and line.</summary>
    public static Dictionary<string, string> ReadTsv(string path)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0 || text.StartsWith('#')) continue;
            var parts = text.Split('\t');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InvalidDataException($"{path}:{line}: expected 'abbreviation<TAB>expansion'.");
            if (!entries.TryAdd(parts[0], parts[1]))
                throw new InvalidDataException($"{path}:{line}: '{parts[0]}' is already defined.");
        }
        return entries;
    }
}
