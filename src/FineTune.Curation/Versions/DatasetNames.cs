using System.Text.RegularExpressions;

namespace FineTune.Curation.Versions;

/// <summary>The rule for dataset names: they become part of artifact keys and URLs, so lower-case letters, digits, '-', '_' and '.' only.</summary>
public static partial class DatasetNames
{
    public static string Validate(string name)
    {
        if (!Pattern().IsMatch(name))
            throw new ArgumentException($"Dataset name '{name}' is not valid: use 1–64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit.", "dataset");
        return name;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
