using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Training.Workers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Training.Tests;

/// <summary>A job through the API on the embedded hosting: it trains, reports, checkpoints, stores its adapter and announces it.</summary>
public sealed class FineTuningJobSpecs
{
    private static async Task<ConcurrentQueue<object>> ListenAsync(TrainingApp app)
    {
        var heard = new ConcurrentQueue<object>();
        var handle = app.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, endpoint =>
        {
            endpoint.Handler<TrainingCompleted>(c => { heard.Enqueue(c.Message); return Task.CompletedTask; });
            endpoint.Handler<TrainingProgressed>(c => { heard.Enqueue(c.Message); return Task.CompletedTask; });
            endpoint.Handler<TrainingFailed>(c => { heard.Enqueue(c.Message); return Task.CompletedTask; });
        });
        await handle.Ready;
        return heard;
    }

    [Fact]
    public async Task A_job_trains_reports_progress_stores_checkpoints_and_its_adapter_and_announces_it()
    {
        using var app = new TrainingApp();
        var client = app.CreateClient();
        var heard = await ListenAsync(app);
        var file = await CuratedData.WriteAsync(app.Store, "tickets");

        var created = await JobCalls.CreateAsync(client, JobCalls.SmallJob(file));
        Assert.Equal("fine_tuning.job", created.GetProperty("object").GetString());
        Assert.Equal("queued", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetString()!;

        var job = await JobCalls.FinishedAsync(client, id);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal($"ft:finetune-base:tickets:{id}", job.GetProperty("fine_tuned_model").GetString());
        var extensions = job.GetProperty("extensions");
        Assert.Equal(6, extensions.GetProperty("step").GetInt32());
        Assert.Equal("lora", extensions.GetProperty("method").GetString());

        // the adapter is stored under the job with its SHA-256, in PEFT's layout
        var files = job.GetProperty("result_files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains($"artifacts://jobs/{id}/output/adapter_model.safetensors", files);
        Assert.Contains($"artifacts://jobs/{id}/output/adapter_config.json", files);
        Assert.Contains($"artifacts://jobs/{id}/output/loss.svg", files);
        await using (var metrics = await app.Store.GetAsync($"jobs/{id}/output/metrics.json"))
            Assert.Equal(6, JsonDocument.Parse(metrics.Content).RootElement.GetProperty("history").GetArrayLength());
        var stored = await app.Store.GetInfoAsync($"jobs/{id}/output/adapter_model.safetensors");
        Assert.Equal(stored!.Sha256, extensions.GetProperty("model_sha256").GetString());

        var events = JsonDocument.Parse(await client.GetStringAsync($"/v1/fine_tuning/jobs/{id}/events?limit=100")).RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "metrics" && e.GetProperty("data").GetProperty("step").GetInt32() == 4);
        Assert.Contains(events, e => e.GetProperty("message").GetString()!.StartsWith("The job has successfully completed"));
        var checkpoints = JsonDocument.Parse(await client.GetStringAsync($"/v1/fine_tuning/jobs/{id}/checkpoints")).RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([6, 4], checkpoints.Select(c => c.GetProperty("step_number").GetInt32()));
        Assert.Equal("fine_tuning.job.checkpoint", checkpoints[0].GetProperty("object").GetString());

        var completed = await Eventually(heard, () => heard.OfType<TrainingCompleted>().SingleOrDefault(c => c.JobId == id));
        Assert.True(completed.IsAdapter);
        Assert.Equal(FineTuningMethod.Lora, completed.Method);
        Assert.Equal(stored.Sha256, completed.Model.Sha256);
        Assert.Equal(new DatasetRef("tickets", 1, completed.Dataset.Sha256), completed.Dataset);
        Assert.Equal([2, 4, 6], heard.OfType<TrainingProgressed>().Where(p => p.JobId == id).Select(p => p.Step).Order());
    }

    [Fact]
    public async Task A_command_redelivered_for_a_finished_job_trains_nothing_and_changes_nothing()
    {
        using var app = new TrainingApp();
        var client = app.CreateClient();
        var file = await CuratedData.WriteAsync(app.Store, "tickets");
        var id = (await JobCalls.CreateAsync(client, JobCalls.SmallJob(file))).GetProperty("id").GetString()!;
        await JobCalls.FinishedAsync(client, id);
        var before = await app.Store.GetInfoAsync($"jobs/{id}/job.json");
        var eventsBefore = await app.Store.ListAsync($"jobs/{id}/events/").CountAsync();
        var heard = await ListenAsync(app);

        var queue = await app.Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri($"queue:{StartTrainingConsumerDefinition.Queue}"));
        await queue.Send(new StartTraining(id, new DatasetRef("tickets", 1, ""), "finetune-base", FineTuningMethod.Lora, new TrainingHyperparameters(1, 4, 3e-3), null, 7, DateTimeOffset.UtcNow));

        // the outcome is announced again (downstream consumers are idempotent); the job itself is untouched
        await Eventually(heard, () => heard.OfType<TrainingCompleted>().SingleOrDefault(c => c.JobId == id));
        Assert.Equal(before!.ETag, (await app.Store.GetInfoAsync($"jobs/{id}/job.json"))!.ETag);
        Assert.Equal(eventsBefore, await app.Store.ListAsync($"jobs/{id}/events/").CountAsync());
    }

    [Fact]
    public async Task A_job_that_would_not_fit_in_memory_fails_with_a_message_saying_what_to_change()
    {
        using var app = new TrainingApp(new Dictionary<string, string?> { ["Training:MemoryLimitBytes"] = (64L << 20).ToString() });
        var client = app.CreateClient();
        var heard = await ListenAsync(app);
        var file = await CuratedData.WriteAsync(app.Store, "tickets");

        var id = (await JobCalls.CreateAsync(client, JobCalls.SmallJob(file))).GetProperty("id").GetString()!;
        var job = await JobCalls.FinishedAsync(client, id);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error");
        Assert.Equal("insufficient_memory", error.GetProperty("code").GetString());
        Assert.Contains("but the worker has", error.GetProperty("message").GetString());
        Assert.Contains("batch_size", error.GetProperty("message").GetString());
        var failed = await Eventually(heard, () => heard.OfType<TrainingFailed>().SingleOrDefault(f => f.JobId == id));
        Assert.Equal("insufficient_memory", failed.Error);
    }

    [Fact]
    public async Task A_running_job_is_cancelled_and_a_finished_one_cannot_be()
    {
        // the worker hears of the cancel when it renews its lease, a third of the lease's length
        using var app = new TrainingApp(new Dictionary<string, string?> { ["Training:Lease"] = "00:00:03" });
        var client = app.CreateClient();
        var file = await CuratedData.WriteAsync(app.Store, "tickets");
        var id = (await JobCalls.CreateAsync(client, new
        {
            model = "finetune-base", training_file = file, hyperparameters = new { n_epochs = 50, batch_size = 4 },
            extensions = new { method = "lora", rank = 4, save_steps = 50, max_seq_length = 192 },
        })).GetProperty("id").GetString()!;
        await JobCalls.WaitAsync(client, id, j => j.GetProperty("extensions").GetProperty("step").GetInt32() >= 2, "step 2");

        var cancel = await client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var job = await JobCalls.FinishedAsync(client, id);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("extensions").GetProperty("step").GetInt32() < job.GetProperty("extensions").GetProperty("total_steps").GetInt32());

        var again = await client.PostAsync($"/v1/fine_tuning/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var error = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("id", error.GetProperty("param").GetString());
        Assert.Contains("already cancelled", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_worker_trains_one_job_at_a_time_by_default_and_the_next_waits_queued()
    {
        using var app = new TrainingApp(new Dictionary<string, string?> { ["Training:Lease"] = "00:00:03" });
        var client = app.CreateClient();
        var file = await CuratedData.WriteAsync(app.Store, "tickets");
        object Long() => new { model = "finetune-base", training_file = file, hyperparameters = new { n_epochs = 50, batch_size = 4 }, extensions = new { method = "lora", rank = 4, save_steps = 100, max_seq_length = 192 } };
        var first = (await JobCalls.CreateAsync(client, Long())).GetProperty("id").GetString()!;
        var second = (await JobCalls.CreateAsync(client, Long())).GetProperty("id").GetString()!;

        await JobCalls.WaitAsync(client, first, j => j.GetProperty("extensions").GetProperty("step").GetInt32() >= 3, "step 3");
        Assert.Equal("queued", (await JobCalls.GetAsync(client, second)).GetProperty("status").GetString());

        await client.PostAsync($"/v1/fine_tuning/jobs/{second}/cancel", null);
        Assert.Equal("cancelled", (await JobCalls.GetAsync(client, second)).GetProperty("status").GetString());
        await client.PostAsync($"/v1/fine_tuning/jobs/{first}/cancel", null);
        Assert.Equal("cancelled", (await JobCalls.FinishedAsync(client, first)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_restarted_service_answers_from_the_stored_jobs()
    {
        var storage = Path.Combine(Path.GetTempPath(), "finetune-tests", $"restart-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string?> { ["Training:Worker"] = "false", ["Storage:Path"] = storage };
        string id;
        try
        {
            using (var before = new TrainingApp(settings))
            {
                var file = await CuratedData.WriteAsync(before.Store, "tickets");
                id = (await JobCalls.CreateAsync(before.CreateClient(), JobCalls.SmallJob(file))).GetProperty("id").GetString()!;
            }
            using var after = new TrainingApp(settings);
            var job = await JobCalls.GetAsync(after.CreateClient(), id);
            Assert.Equal("queued", job.GetProperty("status").GetString());
            Assert.Equal("tickets:1", job.GetProperty("training_file").GetString());
        }
        finally { Directory.Delete(storage, recursive: true); }
    }

    [Fact]
    public async Task A_search_tries_each_learning_rate_and_keeps_the_best_trials_adapter()
    {
        using var app = new TrainingApp();
        var client = app.CreateClient();
        var file = await CuratedData.WriteAsync(app.Store, "tickets");

        var id = (await JobCalls.CreateAsync(client, JobCalls.SmallJob(file, new
        {
            method = "lora", rank = 4, max_steps = 6, eval_steps = 2, max_seq_length = 192,
            search = new { learning_rates = new[] { 3e-3, 1e-2, 1e-6 }, ranks = new[] { 4 } },
        }))).GetProperty("id").GetString()!;
        var job = await JobCalls.FinishedAsync(client, id);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var search = job.GetProperty("extensions").GetProperty("search_result");
        var trials = search.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(3, trials.Count);
        var best = search.GetProperty("best_trial").GetInt32();
        Assert.NotEqual(3, best); // 1e-6 barely moves: it is never the best
        var bestLoss = trials.Single(t => t.GetProperty("number").GetInt32() == best).GetProperty("best_validation_loss").GetDouble();
        Assert.All(trials.Where(t => t.GetProperty("status").GetString() == "completed"), t => Assert.True(t.GetProperty("best_validation_loss").GetDouble() >= bestLoss));
        Assert.NotNull(await app.Store.GetInfoAsync($"jobs/{id}/output/adapter_model.safetensors"));
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_a_page_at_a_time()
    {
        using var app = new TrainingApp(new Dictionary<string, string?> { ["Training:Worker"] = "false" });
        var client = app.CreateClient();
        var file = await CuratedData.WriteAsync(app.Store, "tickets");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await JobCalls.CreateAsync(client, JobCalls.SmallJob(file))).GetProperty("id").GetString()!);
            await Task.Delay(1100); // created_at has seconds; the order must not depend on ties
        }

        var first = JsonDocument.Parse(await client.GetStringAsync("/v1/fine_tuning/jobs?limit=2")).RootElement;
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var second = JsonDocument.Parse(await client.GetStringAsync($"/v1/fine_tuning/jobs?limit=2&after={ids[1]}")).RootElement;
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.False(second.GetProperty("has_more").GetBoolean());
        // no worker in this replica: the jobs wait, queued
        Assert.All(second.GetProperty("data").EnumerateArray(), j => Assert.Equal("queued", j.GetProperty("status").GetString()));
    }

    private static async Task<T> Eventually<T>(ConcurrentQueue<object> heard, Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow + JobCalls.Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (find() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Not heard in time; heard {heard.Count} messages: {string.Join(", ", heard.Select(h => h.GetType().Name))}.");
    }
}
