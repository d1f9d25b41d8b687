using FineTune.Testing;

namespace FineTune.EndToEnd.Tests;

[Collection(SuiteCollection.Name)]
public sealed class BrokerRestartSpecs(Suite suite)
{
    [Fact]
    public async Task A_broker_killed_mid_training_comes_back_and_the_version_is_still_registered_and_evaluated()
    {
        var demo = await suite.TrainedModel;
        const string model = "support-bot-broker";
        await FineTuningJobs.AllowEveryCandidateAsync(suite, model);
        var jobId = await FineTuningJobs.CreateAsync(suite, demo.TrainingFile, model, maxSteps: 40, saveSteps: 8, epochs: 20);
        await Eventually.ValueAsync<int>(async () =>
        {
            var job = await suite.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            return job.GetProperty("extensions").GetProperty("step").GetInt32() is > 0 and var step ? step : throw new NotYetException($"status {job.GetProperty("status")}");
        }, $"job {jobId} to be training", TimeSpan.FromMinutes(2), suite, "training");

        // the launcher's PID is rabbitmq-server's script; the broker is the Erlang VM it started. Killing
        // the VM is a crash: nothing flushed, no goodbye to clients; the script then exits and the AppHost
        // starts the broker again on the same port and data folder.
        var script = (await suite.PidOfAsync("messaging", "messaging"))!.Value;
        var broker = Assert.Single(Processes.ChildrenOf(script));
        Processes.Signal(broker, "KILL");
        await suite.RestartedAsync("messaging", "messaging", script, TimeSpan.FromSeconds(90));

        await FineTuningJobs.SucceededAsync(suite, jobId, TimeSpan.FromMinutes(3));
        var version = await ModelRegistry.EvaluatedVersionAsync(suite, model, jobId, TimeSpan.FromMinutes(3));
        Assert.Equal(jobId, version.GetProperty("version").GetProperty("job_id").GetString());
        Assert.True(version.GetProperty("evaluation").GetProperty("passed").GetBoolean());
    }
}
