namespace FineTune.Monitoring.Analysis;

/// <summary>The names of the drift statistics, as events, alerts, policies and the API spell them.</summary>
public static class DriftMetrics
{
    public const string PromptLengthPsi = "prompt_length_psi";
    public const string TokenJsDivergence = "token_js_divergence";
    public const string UnseenTokenRate = "unseen_token_rate";
    public const string CompletionLengthPsi = "completion_length_psi";
    public const string RefusalRate = "refusal_rate";
    public const string SafetyFlagRate = "safety_flag_rate";

    public static IReadOnlyList<string> All { get; } = [PromptLengthPsi, TokenJsDivergence, UnseenTokenRate, CompletionLengthPsi, RefusalRate, SafetyFlagRate];
}
