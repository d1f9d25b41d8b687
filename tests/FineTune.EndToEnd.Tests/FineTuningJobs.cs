using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.EndToEnd.Tests;

/// <summary>The training service's jobs API through the gateway, as the specs use it.</summary>
public static class FineTuningJobs
{
    /// <summary>A LoRA job on the shipped base model; <paramref name="maxSteps"/> bounds its length whatever the dataset's size.</summary>
    public static async Task<string> CreateAsync(Suite suite, string trainingFile, string suffix, int maxSteps, int saveSteps, int epochs)
    {
        var job = await suite.PostJsonAsync("/v1/fine_tuning/jobs", new JsonObject
        {
            ["model"] = "finetune-base",
            ["training_file"] = trainingFile,
            ["suffix"] = suffix,
            ["hyperparameters"] = new JsonObject { ["n_epochs"] = epochs },
            ["extensions"] = new JsonObject { ["method"] = "lora", ["max_steps"] = maxSteps, ["save_steps"] = saveSteps },
        });
        Assert.Equal("queued", job.GetProperty("status").GetString());
        return job.GetProperty("id").GetString()!;
    }

    /// <summary>Waits for the job to succeed; fails at once, with its error, if it fails or is cancelled.</summary>
    public static Task<JsonElement> SucceededAsync(Suite suite, string id, TimeSpan timeout) =>
        Eventually.ValueAsync<JsonElement>(async () =>
        {
            // a restarted training service is 503 at the gateway until a health probe admits it again
            var job = (await suite.TryGetJsonAsync($"/v1/fine_tuning/jobs/{id}"))!.Value;
            var status = job.GetProperty("status").GetString();
            if (status is "failed" or "cancelled")
                Assert.Fail($"job {id} {status}: {(job.TryGetProperty("error", out var error) ? error : "no error given")}\nAppHost output:\n{suite.Tail("training")}");
            return status == "succeeded" ? job : throw new NotYetException($"status {status}, step {job.GetProperty("extensions").GetProperty("step")}");
        }, $"job {id} to succeed", timeout, suite, "training", "messaging");

    /// <summary>The job's log messages, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> EventsAsync(Suite suite, string id)
    {
        var page = await suite.GetJsonAsync($"/v1/fine_tuning/jobs/{id}/events?limit=100");
        return [.. page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).Reverse()];
    }

    /// <summary>
    /// A gate that passes anything: these specs prove the pipeline moves a version from training to
    /// production, not that a few seconds of LoRA make a good model (the evaluation service's own
    /// specs prove the gate's thresholds).
    /// </summary>
    public static Task AllowEveryCandidateAsync(Suite suite, string model) =>
        suite.PutJsonAsync($"/api/evaluation/policies/{model}", new JsonObject
        {
            ["min_task_score"] = 0, ["min_improvement_over_base"] = -1, ["max_regression_vs_production"] = 1, ["max_forgetting"] = 1e6,
            ["max_unsafe_rate"] = 1, ["warn_unsafe_rate"] = 1, ["max_bias_gap"] = 1e6, ["max_canary_exposure"] = 64, ["max_pii_in_outputs"] = 1_000_000,
        });
}
