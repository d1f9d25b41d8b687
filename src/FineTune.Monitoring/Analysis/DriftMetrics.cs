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
    /// <summary>Share of answers cut off at max_tokens (finish reason <c>length</c>): a model that starts rambling shows here first.</summary>
    public const string TruncationRate = "truncation_rate";

    public static IReadOnlyList<string> All { get; } = [PromptLengthPsi, TokenJsDivergence, UnseenTokenRate, CompletionLengthPsi, RefusalRate, SafetyFlagRate, TruncationRate];
}
