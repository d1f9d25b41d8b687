using FineTune.Cli.Client;

namespace FineTune.Cli.Tests;

public sealed class JobsSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>
{
    [Fact]
    public async Task Create_with_watch_follows_the_job_to_success_and_exits_with_0()
    {
        var dataset = await fixture.CurateSampleAsync("jobs");

        var (exit, output) = await fixture.RunAsync("jobs", "create", "--training-file", dataset.Id, "--method", "lora",
            "--suffix", "jobs-watched", "--epochs", "1", "--max-steps", "2", "--watch");

        Assert.Equal(0, exit);
        var id = Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, @"created (ftjob-\S+): lora on finetune-base with jobs:1")).Groups[1].Value;
        Assert.Matches($@"{id} lora succeeded step 2/2 loss \d+\.\d{{3}} [\d,]+ tok/s", output);
        Assert.Contains($"job {id} succeeded after 2 steps", output);

        var (listed, list) = await fixture.RunAsync("jobs", "list");
        Assert.Equal(0, listed);
        Assert.Matches($@"{id}\s*│\s*succeeded\s*│\s*lora\s*│\s*jobs:1", list);
    }

    [Fact]
    public async Task A_cancelled_job_is_watched_to_its_end_and_the_watch_exits_with_1()
    {
        var dataset = await fixture.CurateSampleAsync("cancelled");
        using var client = fixture.Client();
        var job = await client.CreateJobAsync(SuiteFixture.TinyJob(dataset, "jobs-cancelled", maxSteps: 5000));

        var (cancelExit, cancelOutput) = await fixture.RunAsync("jobs", "cancel", job.Id);
        var (watchExit, watchOutput) = await fixture.RunAsync("jobs", "watch", job.Id);

        Assert.Equal(0, cancelExit);
        Assert.Matches($"job {job.Id}: (cancelled|cancellation requested)", cancelOutput);
        Assert.Equal(1, watchExit);
        Assert.Contains($"job {job.Id} cancelled", watchOutput);
        Assert.Equal("cancelled", (await client.GetJobAsync(job.Id)).Status);
    }

    [Fact]
    public async Task Cancelling_a_finished_job_is_refused_with_the_services_reason()
    {
        var dataset = await fixture.CurateSampleAsync("finished");
        using var client = fixture.Client();
        var job = await client.CreateJobAsync(SuiteFixture.TinyJob(dataset, "jobs-finished", maxSteps: 5000));
        await client.CancelJobAsync(job.Id);
        await SuiteFixture.UntilAsync(async () => (await client.GetJobAsync(job.Id)).IsFinished);

        var (exit, output) = await fixture.RunAsync("jobs", "cancel", job.Id);

        Assert.Equal(1, exit);
        Assert.Matches($@"error: id: Job {job.Id} has already cancelled.*\(400\)", output);
    }
}
