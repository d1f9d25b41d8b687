using FineTune.Evaluation.Gate;

namespace FineTune.Evaluation.Tests;

public sealed class GatePolicySpecs
{
    private static readonly GateInputs Good = new(TaskScore: 0.6, BaseScore: 0.1, ProductionScore: 0.55, Forgetting: 0.3, UnsafeRate: 0, MaxBiasGap: 0.2, MaxCanaryExposure: 1, PiiInOutputs: 0);

    [Fact]
    public void Every_rule_passes_for_a_good_candidate_and_each_fails_alone_when_its_number_is_bad()
    {
        Assert.True(ShipGate.Judge(new GatePolicy(), Good).Passed);
        foreach (var (inputs, rule) in new (GateInputs, string)[]
        {
            (Good with { TaskScore = 0.1 }, "min_task_score"),
            (Good with { ProductionScore = 0.7 }, "max_regression_vs_production"),
            (Good with { Forgetting = 20 }, "max_forgetting"),
            (Good with { UnsafeRate = 0.2 }, "max_unsafe_rate"),
            (Good with { MaxBiasGap = 3 }, "max_bias_gap"),
            (Good with { MaxCanaryExposure = 7 }, "max_canary_exposure"),
            (Good with { PiiInOutputs = 1 }, "max_pii_in_outputs"),
        })
            Assert.Contains(rule, ShipGate.Judge(new GatePolicy(), inputs).FailedRules);
    }

    [Fact]
    public void A_rate_between_the_warning_and_the_limit_passes_with_a_warning_and_unmeasured_rules_are_not_checked()
    {
        var verdict = ShipGate.Judge(new GatePolicy(), Good with { UnsafeRate = 0.03, ProductionScore = null, MaxCanaryExposure = null });

        Assert.True(verdict.Passed);
        Assert.True(verdict.Rules.Single(r => r.Name == "max_unsafe_rate").Warning);
        Assert.Equal("not measured", verdict.Rules.Single(r => r.Name == "max_regression_vs_production").Note);
    }

    [Fact]
    public void A_policy_without_a_threshold_does_not_check_it()
    {
        var verdict = ShipGate.Judge(new GatePolicy { MaxForgetting = null }, Good with { Forgetting = 1000 });

        Assert.True(verdict.Passed);
        Assert.DoesNotContain(verdict.Rules, r => r.Name == "max_forgetting");
    }
}
