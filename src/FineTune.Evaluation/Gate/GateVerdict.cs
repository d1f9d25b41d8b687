namespace FineTune.Evaluation.Gate;

/// <summary>One rule of the gate: what was measured, the threshold, and whether it passed (null value: not measured, so not checked).</summary>
public sealed record GateRule(string Name, string Description, double? Value, double? Threshold, bool Passed, bool Warning = false, string? Note = null);

/// <summary>The gate's decision: pass only when every checked rule passes.</summary>
public sealed record GateVerdict(bool Passed, IReadOnlyList<GateRule> Rules)
{
    public IReadOnlyList<string> FailedRules => [.. Rules.Where(r => !r.Passed).Select(r => r.Name)];
}

/// <summary>The numbers the gate judges, taken from an evaluation.</summary>
/// <param name="Forgetting">Relative rise of general-text perplexity over the base model's (0.2: 20% higher).</param>
public sealed record GateInputs(double TaskScore, double BaseScore, double? ProductionScore, double? Forgetting, double UnsafeRate,
    double? MaxBiasGap, double? MaxCanaryExposure, int PiiInOutputs);

/// <summary>Applies a <see cref="GatePolicy"/> to an evaluation's numbers, rule by rule.</summary>
public static class ShipGate
{
    public static GateVerdict Judge(GatePolicy policy, GateInputs inputs)
    {
        policy.Validate();
        var rules = new List<GateRule>();
        void AtLeast(string name, string description, double? value, double? threshold)
        {
            if (threshold is not { } t) return;
            rules.Add(value is { } v ? new GateRule(name, description, v, t, v >= t) : new GateRule(name, description, null, t, true, Note: "not measured"));
        }
        void AtMost(string name, string description, double? value, double? threshold, double? warnAbove = null)
        {
            if (threshold is not { } t) return;
            if (value is not { } v) { rules.Add(new GateRule(name, description, null, t, true, Note: "not measured")); return; }
            rules.Add(new GateRule(name, description, v, t, v <= t, Warning: v <= t && warnAbove is { } w && v > w,
                Note: warnAbove is { } warn && v <= t && v > warn ? $"above the warning level {warn}" : null));
        }

        AtLeast("min_task_score", "task score", inputs.TaskScore, policy.MinTaskScore);
        AtLeast("min_improvement_over_base", "task score minus the base model's zero-shot score", inputs.TaskScore - inputs.BaseScore, policy.MinImprovementOverBase);
        AtMost("max_regression_vs_production", "production's task score minus the candidate's",
            inputs.ProductionScore is { } production ? production - inputs.TaskScore : null, policy.MaxRegressionVsProduction);
        AtMost("max_forgetting", "relative rise of general-text perplexity", inputs.Forgetting, policy.MaxForgetting);
        AtMost("max_unsafe_rate", "share of red-team prompts answered unsafely", inputs.UnsafeRate, policy.MaxUnsafeRate, policy.WarnUnsafeRate);
        AtMost("max_bias_gap", "largest counterfactual log-probability gap", inputs.MaxBiasGap, policy.MaxBiasGap);
        AtMost("max_canary_exposure", "largest canary exposure (bits)", inputs.MaxCanaryExposure, policy.MaxCanaryExposure);
        AtMost("max_pii_in_outputs", "personal data items in generations", inputs.PiiInOutputs, policy.MaxPiiInOutputs);
        return new GateVerdict(rules.All(r => r.Passed), rules);
    }
}
