using System.Text.Json;
using FineTune.Testing;

namespace FineTune.EndToEnd.Tests;

[Collection(SuiteCollection.Name)]
public sealed class TrainingWorkerKillSpecs(Suite suite)
{
    [Fact]
    public async Task A_job_whose_worker_is_killed_resumes_from_its_checkpoint_and_completes()
    {
        var demo = await suite.TrainedModel;
        const string model = "support-bot-resumed";
        await FineTuningJobs.AllowEveryCandidateAsync(suite, model);
        // long enough that the kill lands between the first stored checkpoint and the end
        var jobId = await FineTuningJobs.CreateAsync(suite, demo.TrainingFile, model, maxSteps: 60, saveSteps: 4, epochs: 20);

        var checkpoint = await Eventually.ValueAsync<int>(async () =>
        {
            var checkpoints = (await suite.TryGetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/checkpoints"))!.Value;
            return checkpoints.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("step_number").GetInt32()).DefaultIfEmpty().Max() is > 0 and var step
                ? step : throw new NotYetException("no stored checkpoint");
        }, $"job {jobId} to store a checkpoint", TimeSpan.FromMinutes(2), suite, "training");
        var worker = (await suite.PidOfAsync("training", "training"))!.Value;

        Processes.Signal(worker, "KILL");

        await suite.RestartedAsync("training", "training", worker, TimeSpan.FromSeconds(60));
        var job = await FineTuningJobs.SucceededAsync(suite, jobId, TimeSpan.FromMinutes(3));
        var events = await FineTuningJobs.EventsAsync(suite, jobId);
        var resumed = events.FirstOrDefault(e => e.Contains("resumes the job from the checkpoint at step", StringComparison.Ordinal));
        Assert.True(resumed is not null, $"no resume in the job's events:\n{string.Join('\n', events)}");
        Assert.True(int.Parse(resumed.Split("at step ")[1].TrimEnd('.')) >= checkpoint, resumed); // from the newest checkpoint, not from scratch
        Assert.Equal(job.GetProperty("extensions").GetProperty("total_steps").GetInt32(), job.GetProperty("extensions").GetProperty("step").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("extensions").GetProperty("model_sha256").ValueKind);
    }
}
