using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Evaluation.Runs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Evaluation.Tests;

/// <summary>The service: TrainingCompleted in, a stored report and EvaluationCompleted out — once, however often it is asked.</summary>
[Collection(CandidatesCollection.Collection)]
public sealed class EvaluationServiceSpecs(Candidates candidates)
{
    private static async Task<ConcurrentQueue<EvaluationCompleted>> ListenAsync(EvaluationApp app)
    {
        var heard = new ConcurrentQueue<EvaluationCompleted>();
        var handle = app.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance,
            endpoint => endpoint.Handler<EvaluationCompleted>(c => { heard.Enqueue(c.Message); return Task.CompletedTask; }));
        await handle.Ready;
        return heard;
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> find, string what) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (await find() is { } found) return found;
            await Task.Delay(200);
        }
        throw new TimeoutException($"No {what} in time.");
    }

    [Fact]
    public async Task A_completed_training_job_is_evaluated_reported_and_announced_once()
    {
        using var app = new EvaluationApp();
        var client = app.CreateClient();
        var heard = await ListenAsync(app);
        await app.WriteReviewsAsync();
        await app.WriteJobAsync("ftjob-good", candidates.GoodAdapter);
        // the registry says the same adapter, from an earlier job, serves in production
        await app.WriteJobAsync("ftjob-prod", candidates.GoodAdapter);
        await app.Store.PutAsync("registry/models/reviews-bot/model.json", new MemoryStream("""{"name":"reviews-bot","aliases":{"production":1}}"""u8.ToArray()));
        await app.Store.PutAsync("registry/models/reviews-bot/versions/000001.json", new MemoryStream("""{"name":"reviews-bot","version":1,"job_id":"ftjob-prod"}"""u8.ToArray()));
        var completed = new TrainingCompleted("ftjob-good", new DatasetRef("reviews", 1, "0123abcd"), "finetune-base", FineTuningMethod.Lora,
            new TrainingHyperparameters(1, 8, 3e-3), new ArtifactRef("artifacts://jobs/ftjob-good/output/adapter_model.safetensors", "", 0), true, "reviews-bot",
            150, 0.1, null, DateTimeOffset.UtcNow);

        await app.Services.GetRequiredService<IBus>().Publish(completed);
        var announced = await Eventually(() => Task.FromResult(heard.FirstOrDefault()), "EvaluationCompleted");

        Assert.Equal("eval-ftjob-good", announced.EvaluationId);
        Assert.Equal("ftjob-good", announced.JobId);
        Assert.True(announced.Metrics["task_score"] > announced.Metrics["base_task_score"]);
        Assert.Equal($"artifacts://evaluations/eval-ftjob-good/report.json", announced.Report.Uri);
        var record = JsonDocument.Parse(await client.GetStringAsync("/api/evaluation/runs/eval-ftjob-good")).RootElement;
        Assert.Equal("succeeded", record.GetProperty("status").GetString());
        Assert.Equal(announced.Passed, record.GetProperty("passed").GetBoolean());
        var page = await client.GetStringAsync("/api/evaluation/runs/eval-ftjob-good/report.md");
        Assert.StartsWith("# Evaluation eval-ftjob-good:", page);
        var report = JsonDocument.Parse(await client.GetStringAsync("/api/evaluation/runs/eval-ftjob-good/report")).RootElement;
        Assert.Equal(announced.Passed, report.GetProperty("gate").GetProperty("passed").GetBoolean());
        Assert.Contains(report.GetProperty("variants").EnumerateArray(), v => v.GetProperty("name").GetString() == "production");
        var regression = report.GetProperty("gate").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "max_regression_vs_production");
        Assert.Equal(0, regression.GetProperty("value").GetDouble(), 9); // the same weights score the same

        // asked again (a redelivered TrainingCompleted): nothing is measured or announced twice
        var before = await app.Store.GetInfoAsync("evaluations/eval-ftjob-good/evaluation.json");
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Evaluator>().RunAsync("eval-ftjob-good", new EvaluationRequest("finetune-base", "reviews:1", "ftjob-good"), CancellationToken.None);
        Assert.Equal(before!.ETag, (await app.Store.GetInfoAsync("evaluations/eval-ftjob-good/evaluation.json"))!.ETag);
        Assert.Single(heard);
    }

    [Fact]
    public async Task An_evaluation_interrupted_mid_run_is_measured_again_and_announced_once()
    {
        using var app = new EvaluationApp();
        var heard = await ListenAsync(app);
        await app.WriteReviewsAsync();
        var store = app.Services.GetRequiredService<EvaluationStore>();
        var request = new EvaluationRequest("finetune-base", "reviews:1");
        // what a crash leaves: the record says running, nothing was announced
        await store.GetOrCreateAsync("eval-crashed", request, CancellationToken.None);
        await store.UpdateAsync("eval-crashed", r => r with { Status = EvaluationStatus.Running });

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Evaluator>().RunAsync("eval-crashed", request, CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Evaluator>().RunAsync("eval-crashed", request, CancellationToken.None);

        await Eventually(() => Task.FromResult(heard.FirstOrDefault()), "EvaluationCompleted");
        await Task.Delay(500);
        Assert.Single(heard);
        var record = await store.GetAsync("eval-crashed");
        Assert.Equal(EvaluationStatus.Succeeded, record!.Status);
        Assert.True(record.Announced);
    }

    [Fact]
    public async Task An_evaluation_asked_over_http_runs_in_the_background_and_bad_requests_name_the_field()
    {
        using var app = new EvaluationApp();
        var client = app.CreateClient();
        await app.WriteReviewsAsync();

        foreach (var (body, field) in new (object, string)[]
        {
            (new { base_model = "gpt-4o", dataset = "reviews:1" }, "base_model"),
            (new { base_model = "finetune-base", dataset = "reviews:7" }, "dataset"),
            (new { base_model = "finetune-base", dataset = "file-123" }, "dataset"),
            (new { base_model = "finetune-base", dataset = "reviews:1", job_id = "ftjob-missing" }, "job_id"),
        })
        {
            var refused = await client.PostAsJsonAsync("/api/evaluation/runs", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(field, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }

        var accepted = await client.PostAsJsonAsync("/api/evaluation/runs", new { base_model = "finetune-base", dataset = "reviews:1", model_name = "reviews-bot" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var finished = await Eventually(async () =>
        {
            var json = await client.GetStringAsync($"/api/evaluation/runs/{id}");
            return JsonDocument.Parse(json).RootElement.GetProperty("status").GetString() is "succeeded" or "failed" ? json : null;
        }, "a finished evaluation");
        // the base model judged as its own candidate gains nothing over itself: the gate says so
        var record = JsonDocument.Parse(finished).RootElement;
        Assert.False(record.GetProperty("passed").GetBoolean());
        Assert.Contains("min_improvement_over_base", record.GetProperty("failed_rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/evaluation/runs/eval-nope")).StatusCode);
    }

    [Fact]
    public async Task A_policy_is_stored_per_model_and_contradictory_thresholds_are_refused()
    {
        using var app = new EvaluationApp();
        var client = app.CreateClient();

        var contradictory = await client.PutAsJsonAsync("/api/evaluation/policies/reviews-bot", new { max_unsafe_rate = 0.01, warn_unsafe_rate = 0.05 });
        Assert.Equal(HttpStatusCode.BadRequest, contradictory.StatusCode);
        var problem = JsonDocument.Parse(await contradictory.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("warn_unsafe_rate", problem.GetProperty("field").GetString());
        Assert.Contains("contradict", problem.GetProperty("detail").GetString());

        var outOfRange = await client.PutAsJsonAsync("/api/evaluation/policies/reviews-bot", new { min_task_score = 1.5 });
        Assert.Equal("min_task_score", JsonDocument.Parse(await outOfRange.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/evaluation/policies/reviews-bot", new { min_task_score = 0.5, max_unsafe_rate = 0.1 })).StatusCode);
        var stored = JsonDocument.Parse(await client.GetStringAsync("/api/evaluation/policies/reviews-bot")).RootElement;
        Assert.Equal(0.5, stored.GetProperty("min_task_score").GetDouble());
        Assert.Equal(0.1, stored.GetProperty("max_unsafe_rate").GetDouble());
    }
}
