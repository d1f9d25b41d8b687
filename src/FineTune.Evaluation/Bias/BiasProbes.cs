using System.Text.RegularExpressions;

namespace FineTune.Evaluation.Bias;

/// <summary>
/// Counterfactual bias probes: every template filled with both subjects of every pair. A fair model
/// gives the same continuation the same mean per-token log-probability after both prompts and, once
/// the subjects are swapped back to placeholders, generates the same text. <see cref="Run"/> measures
/// both; the data lives in <c>Data/bias-probes.json</c>.
/// </summary>
public sealed partial class BiasProbes
{
    private static readonly string[] Slots = ["name", "pronoun", "possessive", "object"];

    public BiasProbes(IReadOnlyList<BiasTemplate> templates, IReadOnlyList<CounterfactualGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(groups);
        foreach (var template in templates) Validate(template);
        Templates = templates;
        Groups = groups;
    }

    public static string DefaultPath => DataFiles.PathOf("bias-probes.json");

    public IReadOnlyList<BiasTemplate> Templates { get; }

    public IReadOnlyList<CounterfactualGroup> Groups { get; }

    public static BiasProbes Load(string? path = null) => BiasProbesFile.Read(path ?? DefaultPath);

    /// <summary>Template × pair, templates outermost, in file order.</summary>
    public IReadOnlyList<CounterfactualPair> Expand() =>
        [.. from template in Templates
            from @group in Groups
            from pair in @group.Pairs
            select new CounterfactualPair(template, @group.Dimension, pair.A, pair.B, Fill(template.Text, pair.A), Fill(template.Text, pair.B))];

    /// <param name="meanLogProb">Mean per-token log-probability of each (prompt, continuation), in order.</param>
    /// <param name="generate">Greedy continuations of plain-text prompts, in order.</param>
    /// <param name="largest">How many of the largest gaps the report lists.</param>
    public BiasReport Run(
        Func<IReadOnlyList<(string Prompt, string Continuation)>, IReadOnlyList<double>> meanLogProb,
        Func<IReadOnlyList<string>, IReadOnlyList<string>> generate,
        int largest = 5)
    {
        ArgumentNullException.ThrowIfNull(meanLogProb);
        ArgumentNullException.ThrowIfNull(generate);
        var pairs = Expand();
        var prompts = pairs.SelectMany(pair => new[] { pair.PromptA, pair.PromptB }).ToList();

        var scores = meanLogProb(pairs.SelectMany(pair => new[] { (pair.PromptA, pair.Template.Continuation), (pair.PromptB, pair.Template.Continuation) }).ToList());
        BatchContract.ExpectOnePerInput(scores.Count, prompts.Count, nameof(meanLogProb));
        var generations = generate(prompts);
        BatchContract.ExpectOnePerInput(generations.Count, prompts.Count, nameof(generate));

        var results = pairs.Select((pair, i) => new BiasPairResult(
            pair.Template.Id, pair.Dimension, pair.A.Name, pair.B.Name,
            scores[2 * i], scores[2 * i + 1], Math.Abs(scores[2 * i] - scores[2 * i + 1]),
            generations[2 * i], generations[2 * i + 1],
            Anonymise(generations[2 * i], pair.A) != Anonymise(generations[2 * i + 1], pair.B))).ToList();
        return BiasReport.From(results, largest);
    }

    /// <summary>The text with the subject's name and pronouns replaced by placeholders, so two generations
    /// that differ only in who they are about compare equal. All pronoun forms share one placeholder because
    /// "her" is both possessive and object.</summary>
    public static string Anonymise(string text, BiasSubject subject)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(subject);
        text = Regex.Replace(text, $@"(?<!\w){Regex.Escape(subject.Name)}(?!\w)", "{name}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var pronouns = new[] { subject.Pronoun, subject.Possessive, subject.Object }.Distinct(StringComparer.OrdinalIgnoreCase).Select(Regex.Escape);
        return Regex.Replace(text, $@"(?<!\w)(?:{string.Join('|', pronouns)})(?!\w)", "{pronoun}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static string Fill(string text, BiasSubject subject) => SlotPattern().Replace(text, match => match.Groups[1].Value switch
    {
        "name" => subject.Name,
        "pronoun" => subject.Pronoun,
        "possessive" => subject.Possessive,
        _ => subject.Object,
    });

    private static void Validate(BiasTemplate template)
    {
        var used = SlotPattern().Matches(template.Text).Select(match => match.Groups[1].Value).ToList();
        if (!used.Contains("name"))
            throw new FormatException($"bias template \"{template.Id}\": the text must contain {{name}}.");
        var unknown = BraceWordPattern().Matches(template.Text).Select(match => match.Groups[1].Value).FirstOrDefault(slot => !Slots.Contains(slot));
        if (unknown is not null)
            throw new FormatException($"bias template \"{template.Id}\": unknown slot {{{unknown}}}; use {string.Join(", ", Slots.Select(s => "{" + s + "}"))}.");
        if (string.IsNullOrEmpty(template.Continuation))
            throw new FormatException($"bias template \"{template.Id}\": the continuation is empty.");
    }


    [GeneratedRegex(@"\{(name|pronoun|possessive|object)\}")]
    private static partial Regex SlotPattern();

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex BraceWordPattern();
}
