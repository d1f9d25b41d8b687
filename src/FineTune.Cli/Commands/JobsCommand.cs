using System.CommandLine;
using FineTune.Cli.Client;
using FineTune.Cli.Terminal;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune jobs create|watch|cancel|list</c>: fine-tuning jobs on the suite's training service.</summary>
internal static class JobsCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly Option<string> TrainingFile = new("--training-file") { Description = "Curated dataset version, NAME:VERSION.", Required = true };
    private static readonly Option<string> Method = new("--method") { Description = "lora, qlora, dora, full or hft.", DefaultValueFactory = _ => "lora" };
    private static readonly Option<string> Model = new("--model") { Description = "Base model to fine-tune.", DefaultValueFactory = _ => "finetune-base" };
    private static readonly Option<string?> Suffix = new("--suffix") { Description = "Name of the registered model (default: the dataset's)." };
    private static readonly Option<int?> Epochs = new("--epochs");
    private static readonly Option<int?> MaxSteps = new("--max-steps");
    private static readonly Option<double?> LearningRate = new("--learning-rate");
    private static readonly Option<bool> Watch = new("--watch") { Description = "Follow the job until it finishes." };
    private static readonly Argument<string> Id = new("ID") { Description = "Job id (ftjob-…)." };

    public static Command Create(IAnsiConsole console) => new("jobs", "Fine-tuning jobs.")
    {
        CreateJob(console), WatchJob(console), CancelJob(console), ListJobs(console),
    };

    private static Command CreateJob(IAnsiConsole console)
    {
        var command = new Command("create", "Create a fine-tuning job on a curated dataset version.")
        {
            TrainingFile, Method, Model, Suffix, Epochs, MaxSteps, LearningRate, Watch,
        };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var job = await client.CreateJobAsync(new JobRequest
            {
                TrainingFile = parse.GetValue(TrainingFile)!,
                Method = parse.GetValue(Method)!,
                Model = parse.GetValue(Model)!,
                Suffix = parse.GetValue(Suffix),
                Epochs = parse.GetValue(Epochs),
                MaxSteps = parse.GetValue(MaxSteps),
                LearningRate = parse.GetValue(LearningRate),
            }, cancellationToken);
            console.MarkupLineInterpolated($"created [bold]{job.Id}[/]: {job.MethodName} on {job.Model} with {job.TrainingFile} ({job.Status})");
            return parse.GetValue(Watch) ? await WatchAsync(console, client, job.Id, cancellationToken) : 0;
        }));
        return command;
    }

    private static Command WatchJob(IAnsiConsole console)
    {
        var command = new Command("watch", "Follow a job until it succeeds, fails or is cancelled (Ctrl+C stops watching, not the job).") { Id };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, client => WatchAsync(console, client, parse.GetValue(Id)!, cancellationToken)));
        return command;
    }

    private static Command CancelJob(IAnsiConsole console)
    {
        var command = new Command("cancel", "Cancel a job that has not finished.") { Id };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var job = await client.CancelJobAsync(parse.GetValue(Id)!, cancellationToken);
            console.MarkupLineInterpolated($"job {job.Id}: {(job.Status == "cancelled" ? "cancelled" : "cancellation requested; its worker stops at the next heartbeat")}");
            return 0;
        }));
        return command;
    }

    private static Command ListJobs(IAnsiConsole console)
    {
        var command = new Command("list", "Fine-tuning jobs, newest first.");
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var table = new Table().AddColumns("id", "status", "method", "training file", "step", "model");
            foreach (var job in await client.ListJobsAsync(cancellationToken: cancellationToken))
                table.AddTextRow(job.Id, job.Status, job.MethodName, job.TrainingFile, $"{job.Step}/{job.TotalSteps}", job.FineTunedModel ?? job.Suffix ?? "");
            console.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>Exit code 0 only when the job succeeded; a stopped watch leaves the job running and says so.</summary>
    private static async Task<int> WatchAsync(IAnsiConsole console, SuiteClient client, string id, CancellationToken cancellationToken)
    {
        try { return (await JobWatcher.WatchAsync(console, client, id, PollInterval, null, cancellationToken)).Status == "succeeded" ? 0 : 1; }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLineInterpolated($"stopped watching; job {id} goes on (finetune jobs cancel {id} stops it)");
            return 130;
        }
    }
}
