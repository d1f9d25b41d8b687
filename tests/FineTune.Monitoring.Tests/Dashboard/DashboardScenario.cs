using FineTune.Contracts;

namespace FineTune.Monitoring.Tests.Dashboard;

/// <summary>
/// The events of a small, complete pipeline as the other services publish them: a curated dataset, two
/// finished LoRA jobs of <c>support-bot</c> (with progress every step and validation every fourth), a
/// third job still running, their passing evaluations, and a few minutes of served traffic on version 1
/// with some cache hits and some server errors.
/// </summary>
public static class DashboardScenario
{
    public const string ModelName = "support-bot";
    public const string FirstJob = "job-dash-first";
    public const string SecondJob = "job-dash-second";
    public const string RunningJob = "job-dash-running";
    public const int FirstJobSteps = 12;
    public const int SecondJobSteps = 6;
    public const int RunningJobSteps = 3;
    public const int ValidationEvery = 4;
    public const int TrafficMinutes = 3;
    public const int RequestsPerMinute = 12;

    public static readonly DatasetRef Dataset = new("tickets", 1, "dashboard-sha");

    public static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(-30);

    public static IEnumerable<object> Curation()
    {
        yield return new DatasetCurated(Dataset, "chat", Artifact("train.jsonl"), Artifact("validation.jsonl"), Artifact("test.jsonl"),
            Artifact("report.json"), 400, 50, 50, Start);
    }

    /// <summary>One job's progress, every step, and its completion unless it is still running.</summary>
    public static IEnumerable<object> Training(string job) => job switch
    {
        FirstJob => [.. Progress(job, FirstJobSteps, FirstJobSteps), Completed(job, FirstJobSteps)],
        SecondJob => [.. Progress(job, SecondJobSteps, SecondJobSteps), Completed(job, SecondJobSteps)],
        _ => Progress(job, RunningJobSteps, 20),
    };

    public static int ValidationPoints(int steps) => steps / ValidationEvery;

    public static IEnumerable<object> Evaluations() => [Evaluated(FirstJob, 1, 0.81), Evaluated(SecondJob, 2, 0.86)];

    /// <summary>Requests to version 1 over the last few minutes: every third a cache hit, every sixth a server error.</summary>
    public static IEnumerable<InferenceRecorded> Traffic(DateTimeOffset now)
    {
        for (var minute = 0; minute < TrafficMinutes; minute++)
            for (var i = 0; i < RequestsPerMinute; i++)
            {
                var at = now.AddMinutes(minute - TrafficMinutes + 1).AddSeconds(-i);
                yield return new InferenceRecorded($"req-{minute}-{i}", new ModelRef(ModelName, 1), null, 40 + 3 * i, 20 + i,
                    180 + 40 * i + 90 * minute, 35, "stop", CacheHit: i % 3 == 0, SafetyFlagged: false, Refused: false,
                    StatusCode: i % 6 == 5 ? 500 : 200, PromptTokenSample: [3, 7, 7, 12 + i, 40], RecordedAt: at);
            }
    }

    private static IEnumerable<TrainingProgressed> Progress(string job, int steps, int totalSteps) =>
        Enumerable.Range(1, steps).Select(step => new TrainingProgressed(job, step, totalSteps, step / 4.0, 2.4 / Math.Sqrt(step),
            step % ValidationEvery == 0 ? 2.6 / Math.Sqrt(step) : null, 3e-4 * (1 - step / (double)(totalSteps + 1)), 900 + 10 * step,
            Start.AddMinutes(1).AddSeconds(10 * step)));

    private static TrainingCompleted Completed(string job, int steps) => new(job, Dataset, "finetune-base", FineTuningMethod.Lora,
        new TrainingHyperparameters(3, 8, 3e-4, LoraRank: 8, LoraAlpha: 16), Artifact($"{job}/adapter_model.safetensors"), true, ModelName,
        steps, 2.4 / Math.Sqrt(steps), 2.6 / Math.Sqrt(steps), Start.AddMinutes(5));

    private static EvaluationCompleted Evaluated(string job, int version, double score) => new($"eval-{job}", job, new ModelRef(ModelName, version),
        Artifact($"{job}/adapter_model.safetensors"), Dataset, Artifact($"eval-{job}/report.json"), true,
        new Dictionary<string, double> { ["task_score"] = score, ["unsafe_rate"] = 0.01, ["perplexity"] = 9.5 - version },
        [], Start.AddMinutes(6 + version));

    private static ArtifactRef Artifact(string name) => new($"artifacts://dashboard/{name}", $"sha-{name}", 1024);
}
