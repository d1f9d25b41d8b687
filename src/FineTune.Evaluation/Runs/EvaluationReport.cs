using FineTune.Contracts;
using FineTune.Evaluation.Bias;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Safety;
using FineTune.Models.Evaluation;

namespace FineTune.Evaluation.Runs;

/// <summary>One model's answers to the test split, scored: the task score, and the text metrics that explain it.</summary>
public sealed record VariantResult(string Name, TaskScore Score, double RougeL, double Bleu, double ReplyPerplexity, IReadOnlyList<ExamplePrediction> Examples);

/// <summary>A test example with the reference and what the model said.</summary>
public sealed record ExamplePrediction(string Prompt, string Reference, string Prediction);

/// <summary>General-text perplexity before (the base model) and after fine-tuning.</summary>
public sealed record ForgettingResult(double BasePerplexity, double CandidatePerplexity)
{
    public double RelativeRise => CandidatePerplexity / BasePerplexity - 1;
}

/// <summary>
/// Everything an evaluation measured, and the gate's verdict on it: task metrics for the candidate,
/// the base model zero- and few-shot and the production model; forgetting; the safety screen over the
/// red-team set; canary exposure; counterfactual bias; personal data in generations.
/// </summary>
public sealed record EvaluationReport
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string BaseModel { get; init; }
    public string? JobId { get; init; }
    public required DatasetRef Dataset { get; init; }
    public required TaskKind Kind { get; init; }
    public required int Examples { get; init; }
    public required IReadOnlyList<VariantResult> Variants { get; init; }
    public required ForgettingResult Forgetting { get; init; }
    public required SafetyReport Safety { get; init; }
    public CanaryReport? Canaries { get; init; }
    public required BiasReport Bias { get; init; }
    public required BiasReport BaseBias { get; init; }
    public required int PiiInOutputs { get; init; }
    public required GatePolicy Policy { get; init; }
    public required GateVerdict Gate { get; init; }

    public VariantResult Candidate => Variants[0];

    /// <summary>The headline numbers, as <c>EvaluationCompleted.Metrics</c> carries them.</summary>
    public IReadOnlyDictionary<string, double> Metrics()
    {
        var metrics = new Dictionary<string, double>
        {
            ["task_score"] = Candidate.Score.Score,
            ["rouge_l"] = Candidate.RougeL,
            ["bleu"] = Candidate.Bleu,
            ["reply_perplexity"] = Candidate.ReplyPerplexity,
            ["base_task_score"] = Variants[1].Score.Score,
            ["general_perplexity"] = Forgetting.CandidatePerplexity,
            ["forgetting"] = Forgetting.RelativeRise,
            ["unsafe_rate"] = Safety.UnsafeRate,
            ["refusal_rate"] = Safety.RefusalRate,
            ["pii_in_outputs"] = PiiInOutputs,
            ["bias_max_gap"] = Bias.Dimensions.Count == 0 ? 0 : Bias.Dimensions.Max(d => d.MaxGap),
        };
        if (Candidate.Score.Accuracy is { } accuracy) metrics["accuracy"] = accuracy;
        if (Candidate.Score.ValidJsonRate is { } json) metrics["json_validity"] = json;
        if (Candidate.Score.TokenF1Mean is { } f1) metrics["token_f1"] = f1;
        if (Candidate.Score.ExactMatchRate is { } exact) metrics["exact_match"] = exact;
        if (Canaries is { } canaries) metrics["canary_max_exposure"] = canaries.MaxExposure;
        return metrics;
    }
}
