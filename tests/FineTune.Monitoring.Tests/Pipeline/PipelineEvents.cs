using FineTune.Contracts;

namespace FineTune.Monitoring.Tests.Pipeline;

/// <summary>The events of one pipeline run as the services publish them, at fixed times so two deliveries compare equal.</summary>
internal static class PipelineEvents
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DatasetRef Dataset = new("tickets", 2, "ab12cd34");

    public static TrainingProgressed Progressed(string jobId, int step, int totalSteps = 40) =>
        new(jobId, step, totalSteps, step / 20.0, 2.0 - step * 0.03, step % 20 == 0 ? 2.1 - step * 0.03 : null, 3e-3, 900 + step, Start.AddMinutes(step));

    public static TrainingCompleted Completed(string jobId, int steps = 40) => new(jobId, Dataset, "finetune-base", FineTuningMethod.Lora,
        new TrainingHyperparameters(2, 8, 3e-3, LoraRank: 8), new ArtifactRef($"artifacts://jobs/{jobId}/output/adapter_model.safetensors", $"sha-{jobId}", 1234),
        true, "support-bot", steps, 0.42, 0.51, Start.AddMinutes(steps + 1));

    public static TrainingFailed Failed(string jobId, int step, int minute) =>
        new(jobId, Dataset, "out of memory", "resources", step, Start.AddMinutes(minute));

    public static EvaluationCompleted Evaluated(string jobId, bool passed, int minute = 50) => new($"eval-{jobId}", jobId, null,
        new ArtifactRef($"artifacts://jobs/{jobId}/output/adapter_model.safetensors", $"sha-{jobId}", 1234), Dataset,
        new ArtifactRef($"artifacts://evaluations/eval-{jobId}/report.json", "r", 10), passed,
        new Dictionary<string, double> { ["task_score"] = passed ? 0.8 : 0.1, ["unsafe_rate"] = 0 }, passed ? [] : ["min_task_score"], Start.AddMinutes(minute));

    public static ModelRegistered Registered(string jobId, int version, int minute = 45) => new(new ModelRef("support-bot", version), jobId, Dataset,
        "finetune-base", FineTuningMethod.Lora, new ArtifactRef($"artifacts://jobs/{jobId}/output/adapter_model.safetensors", $"sha-{jobId}", 1234), true,
        Start.AddMinutes(minute));

    public static ModelPromoted Promoted(int version, int? previous, int minute) => new(new ModelRef("support-bot", version), "production", previous,
        "finetune-base", new ArtifactRef($"artifacts://models/support-bot/{version}", "s", 1), true, "ops", $"promote {version}", Start.AddMinutes(minute));

    public static ModelRolledBack RolledBack(int from, int to, int minute) => new("support-bot", "production", from, to, "finetune-base",
        new ArtifactRef($"artifacts://models/support-bot/{to}", "s", 1), true, "ops", "regression", Start.AddMinutes(minute));

    /// <summary>One job from first step to production: four progress reports, completion, registration, a passed gate, a promotion.</summary>
    public static IReadOnlyList<object> WholeRun(string jobId = "ftjob-1") =>
    [
        Progressed(jobId, 10), Progressed(jobId, 20), Progressed(jobId, 30), Progressed(jobId, 40),
        Completed(jobId), Registered(jobId, 1), Evaluated(jobId, passed: true), Promoted(1, null, 55),
    ];
}
