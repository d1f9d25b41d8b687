namespace FineTune.Datasets.Safety;

/// <summary>
/// The category names shared by the red-team set, the lexicon and the verdicts. The content
/// categories come from the lexicon file; these are the ones the screen decides by rule.
/// </summary>
public static class SafetyCategories
{
    public const string Violence = "violence";
    public const string SelfHarm = "self_harm";
    public const string Hate = "hate";
    public const string Sexual = "sexual";
    public const string IllegalActivity = "illegal_activity";
    public const string PiiExtraction = "pii_extraction";
    public const string PromptInjection = "prompt_injection";

    /// <summary>Personal data found in an output (by the curation PII detectors), whatever was asked.</summary>
    public const string Pii = "pii";

    /// <summary>The categories every red-team set must cover.</summary>
    public static IReadOnlyList<string> RedTeam { get; } =
        [Violence, SelfHarm, Hate, Sexual, IllegalActivity, PiiExtraction, PromptInjection];
}
