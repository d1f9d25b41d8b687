using System.Text.RegularExpressions;

namespace FineTune.Registry.Models;

/// <summary>The rules for model and alias names: they become artifact keys, URL segments and OpenAI model ids.</summary>
public static partial class AliasNames
{
    public const string Production = "production", Staging = "staging", Candidate = "candidate";

    /// <summary>Throws <see cref="ArgumentException"/> (param <c>alias</c>) for a malformed alias.</summary>
    public static string Validate(string alias) => AliasPattern().IsMatch(alias ?? "") ? alias! :
        throw new ArgumentException($"Alias '{alias}' is not valid: use 1–32 lower-case letters, digits or '-', starting with a letter.", "alias");

    /// <summary>Throws <see cref="ArgumentException"/> (param <c>model</c>) for a malformed model name.</summary>
    public static string ValidateModel(string name) => ModelPattern().IsMatch(name ?? "") ? name! :
        throw new ArgumentException($"Model name '{name}' is not valid: use 1–64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit.", "model");

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex ModelPattern();
}
