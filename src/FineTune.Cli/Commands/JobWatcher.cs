using FineTune.Cli.Client;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// Follows a fine-tuning job with a live progress bar — step of total, training loss and tokens per
/// second from its newest metrics event — until it succeeds, fails or is cancelled. Cancelling the
/// token stops the watching, never the job.
/// </summary>
internal static class JobWatcher
{
    /// <exception cref="TimeoutException">The job had not finished within <paramref name="timeout"/>.</exception>
    public static async Task<FineTuningJob> WatchAsync(IAnsiConsole console, SuiteClient client, string jobId, TimeSpan pollInterval,
        TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var (job, metrics) = await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(jobId), maxValue: 1);
                while (true)
                {
                    var current = await client.GetJobAsync(jobId, cancellationToken);
                    var metrics = (await client.GetJobEventsAsync(jobId, 10, cancellationToken)).FirstOrDefault(e => e.Type == "metrics");
                    task.MaxValue = Math.Max(current.TotalSteps, 1);
                    task.Value = current.Status == "succeeded" ? task.MaxValue : Math.Min(current.Step, task.MaxValue);
                    task.Description = Markup.Escape(Describe(current, metrics));
                    if (current.IsFinished) return (current, metrics);
                    if (timeout is { } limit && DateTimeOffset.UtcNow - started > limit)
                        throw new TimeoutException($"job {jobId} did not finish within {Minutes(limit)} (still {current.Status} at step {current.Step}/{current.TotalSteps}); " +
                                                   $"see GET /v1/fine_tuning/jobs/{jobId}/events");
                    await Task.Delay(pollInterval, cancellationToken);
                }
            });
        // the bar is redrawn in place, so a log or a non-interactive terminal keeps only these lines
        console.WriteLine(Describe(job, metrics));
        console.WriteLine(Outcome(job));
        return job;
    }

    public static string Describe(FineTuningJob job, JobEventEntry? metrics)
    {
        var text = $"{job.Id} {job.MethodName} {job.Status} step {job.Step}/{job.TotalSteps}";
        if (metrics?.Number("train_loss") is { } loss) text += $" loss {loss:0.000}";
        if (metrics?.Number("tokens_per_second") is { } speed) text += $" {speed:N0} tok/s";
        return text;
    }

    public static string Outcome(FineTuningJob job) => job.Status switch
    {
        "succeeded" => $"job {job.Id} succeeded after {job.TotalSteps} steps ({job.TrainedTokens:N0} tokens trained)",
        "failed" => $"job {job.Id} failed: {job.Error?.Message ?? "no reason given"}{(job.Error?.Code is { } code ? $" ({code})" : "")}",
        _ => $"job {job.Id} {job.Status}",
    };

    public static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}
