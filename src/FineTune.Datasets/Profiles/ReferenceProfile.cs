namespace FineTune.Datasets.Profiles;

/// <summary>
/// What monitoring compares live traffic against: prompt and completion lengths and the prompt token
/// profile of a dataset version's train split. Curation writes it into the dataset card's
/// <c>reference</c> section; monitoring reads it back from there.
/// </summary>
public sealed record ReferenceProfile(LengthDistribution PromptTokens, LengthDistribution CompletionTokens, TokenFrequencyProfile PromptTokenFrequencies);
