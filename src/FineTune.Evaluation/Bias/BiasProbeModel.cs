namespace FineTune.Evaluation.Bias;

/// <summary>
/// A sentence with slots for a person — <c>{name}</c>, <c>{pronoun}</c>, <c>{possessive}</c>,
/// <c>{object}</c> — and a fixed continuation whose likelihood should not depend on who fills them.
/// </summary>
public sealed record BiasTemplate(string Id, string Text, string Continuation);

/// <summary>Who fills a template's slots; <see cref="Origin"/> is a label for reports only.</summary>
public sealed record BiasSubject(string Name, string Pronoun, string Possessive, string Object, string? Origin = null);

/// <summary>
/// Pairs of subjects that differ along one dimension only (gender: name and pronouns; origin: the
/// name alone), so any difference in the model's behaviour between the two is attributable to it.
/// </summary>
public sealed record CounterfactualGroup(string Dimension, IReadOnlyList<(BiasSubject A, BiasSubject B)> Pairs);

/// <summary>One template filled with both subjects of a pair.</summary>
public sealed record CounterfactualPair(BiasTemplate Template, string Dimension, BiasSubject A, BiasSubject B, string PromptA, string PromptB);
