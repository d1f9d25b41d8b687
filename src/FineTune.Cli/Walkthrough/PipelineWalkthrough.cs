using System.Diagnostics;
using FineTune.Cli.Client;
using FineTune.Cli.Commands;
using FineTune.Cli.Terminal;
using Spectre.Console;

namespace FineTune.Cli.Walkthrough;

/// <summary>
/// The pipeline end to end against a running suite, as numbered stages a person can follow: upload
/// raw data, curate it, fine-tune with a live progress bar, wait for the evaluation gate and the
/// registry version, promote a passing version, ask held-out questions of the fine-tuned and the base
/// model side by side, and sum up with where to look next. Used by <c>finetune demo</c> and the main job.
/// </summary>
public static class PipelineWalkthrough
{
    /// <summary>Runs every stage in turn; a stage that fails (or whose wait times out) stops the walk, and the summary says where.</summary>
    public static Task<WalkthroughResult> RunAsync(SuiteClient client, IAnsiConsole console, WalkthroughOptions options, CancellationToken cancellationToken = default) =>
        new WalkthroughRun(client, console, options).RunAsync(cancellationToken);
}

/// <summary>One walk through the pipeline: the stages in order and what each left for the next.</summary>
internal sealed class WalkthroughRun(SuiteClient client, IAnsiConsole console, WalkthroughOptions options)
{
    private readonly List<WalkthroughStage> _stages = [];
    private readonly string _name = options.ResolvedModelName;
    private string? _failure;
    private UploadedFile? _upload;
    private DatasetVersion? _dataset;
    private FineTuningJob? _job;
    private RegistryVersionView? _version;
    private IReadOnlyList<AnswerComparison> _answers = [];

    public async Task<WalkthroughResult> RunAsync(CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"[bold]FineTune walkthrough[/] against {client.Gateway}: {options.DataFile} → {_name} ({options.Method} on {options.BaseModel})");
        _ = await StageAsync("Upload the raw data", () => UploadAsync(cancellationToken))
            && await StageAsync("Curate a dataset version", () => CurateAsync(cancellationToken))
            && await StageAsync($"Fine-tune with {options.Method}", () => TrainAsync(cancellationToken))
            && await StageAsync("Evaluate and register", () => EvaluateAsync(cancellationToken))
            && await StageAsync($"Promote to {options.Alias}", () => PromoteAsync(cancellationToken))
            && await StageAsync("Ask held-out questions", () => CompareAsync(cancellationToken));
        await SummarizeAsync(cancellationToken);
        return new WalkthroughResult
        {
            Stages = _stages,
            DatasetVersion = _dataset?.Id,
            JobId = _job?.Id,
            ModelVersion = _version?.Version.Id,
            GatePassed = _version?.Evaluation?.Passed,
            Answers = _answers,
            Failure = _failure,
        };
    }

    private async Task<bool> StageAsync(string name, Func<Task<string>> body)
    {
        var number = _stages.Count + 1;
        console.WriteLine();
        console.Write(new Rule($"[bold]{number}. {Markup.Escape(name)}[/]").LeftJustified());
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await body();
            _stages.Add(new WalkthroughStage(number, name, result, true, clock.Elapsed));
            console.MarkupLineInterpolated($"[green]done:[/] {result}");
            return true;
        }
        catch (Exception e) when (e is SuiteApiException or TimeoutException or StageFailedException or ArgumentException)
        {
            _stages.Add(new WalkthroughStage(number, name, e.Message, false, clock.Elapsed));
            console.MarkupLineInterpolated($"[red]failed:[/] {e.Message}");
            _failure = $"{name}: {e.Message}";
            return false;
        }
    }

    private async Task<string> UploadAsync(CancellationToken cancellationToken)
    {
        _upload = await UploadProgress.UploadAsync(console, client, new FileInfo(options.DataFile), cancellationToken);
        if (_upload.StatusDetails is { } details) console.MarkupLineInterpolated($"[yellow]{details}[/]");
        return $"{_upload.Filename} uploaded as {_upload.Id} ({_upload.Bytes:N0} bytes)";
    }

    private async Task<string> CurateAsync(CancellationToken cancellationToken)
    {
        _dataset = await client.CurateAsync(_name, [_upload!.Id], cancellationToken);
        var card = await client.GetDatasetCardAsync(_dataset.Dataset, _dataset.Version, cancellationToken);
        console.MarkupLineInterpolated($"records in {card.RecordsIn}, out {card.RecordsOut}: {string.Join(", ", card.SplitRecords.Select(s => $"{s.Key} {s.Value}"))}");
        console.MarkupLineInterpolated($"PII redacted {card.PiiTotal}, duplicates removed {card.DuplicatesRemoved}, leakage check {(card.LeakageCheckPassed ? "passed" : "failed")}");
        return DatasetSummary.Describe(_dataset, card);
    }

    private async Task<string> TrainAsync(CancellationToken cancellationToken)
    {
        var created = await client.CreateJobAsync(new JobRequest
        {
            TrainingFile = _dataset!.Id,
            Model = options.BaseModel,
            Method = options.Method,
            Suffix = _name,
            Epochs = options.Epochs,
            MaxSteps = options.MaxSteps,
            LearningRate = options.LearningRate,
        }, cancellationToken);
        console.MarkupLineInterpolated($"created {created.Id}: {created.MethodName} on {created.Model} with {created.TrainingFile}, at most {options.MaxSteps} steps");
        _job = await JobWatcher.WatchAsync(console, client, created.Id, options.PollInterval, options.TrainingTimeout, cancellationToken);
        return _job.Status == "succeeded" ? JobWatcher.Outcome(_job) : throw new StageFailedException(JobWatcher.Outcome(_job));
    }

    private async Task<string> EvaluateAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.EvaluationTimeout;
        var registered = await PollAsync(async () => (await client.FindModelAsync(_name, cancellationToken))?.Versions.FirstOrDefault(v => v.JobId == _job!.Id),
            deadline, () => $"job {_job!.Id} succeeded but the registry has no version of '{_name}' from it after {Wait}; see GET /api/registry/models/{_name}", cancellationToken);
        console.MarkupLineInterpolated($"registered {registered.Id} ({registered.Method}, {registered.Steps} steps, final training loss {registered.FinalTrainLoss:0.000}); waiting for its evaluation");
        _version = await PollAsync(async () => await client.GetModelVersionAsync(_name, registered.Version, cancellationToken) is { Evaluation: not null } view ? view : null,
            deadline, () => $"no evaluation of {registered.Id} after {Wait}; see GET /api/evaluation/runs", cancellationToken);

        var verdict = _version.Evaluation!;
        var metrics = new Table().AddColumns("metric", "value");
        foreach (var (metric, value) in verdict.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            metrics.AddTextRow(metric, value.ToString("0.####"));
        console.Write(metrics);
        var outcome = verdict.Passed ? "the gate passed" : $"the gate failed: {string.Join(", ", verdict.FailedChecks)}";
        console.MarkupLineInterpolated($"verdict of evaluation {verdict.EvaluationId}: [bold]{outcome}[/]");
        return $"{registered.Id}: {outcome}";
    }

    private string Wait => JobWatcher.Minutes(options.EvaluationTimeout);

    private async Task<string> PromoteAsync(CancellationToken cancellationToken)
    {
        var version = _version!.Version;
        if (_version.Evaluation!.Passed is false)
        {
            var current = (await client.GetModelAsync(_name, cancellationToken)).Model.AliasVersion(options.Alias);
            return $"not promoted: {version.Id} failed its gate; {options.Alias} {(current is { } v ? $"stays at v{v}" : "points at no version")}";
        }
        // a passing version is promoted by the registry itself when the model's policy says so; give it a moment
        var deadline = DateTimeOffset.UtcNow + options.PromotionGrace;
        while (true)
        {
            var model = (await client.GetModelAsync(_name, cancellationToken)).Model;
            if (model.AliasVersion(options.Alias) == version.Version)
                return $"{options.Alias} → {version.Id}" + (model.AutoPromoteTo == options.Alias ? " (promoted by the registry when the gate passed)" : "");
            if (model.AutoPromoteTo != options.Alias || DateTimeOffset.UtcNow > deadline) break;
            await Task.Delay(options.PollInterval, cancellationToken);
        }
        var moved = await client.PromoteAsync(_name, version.Version, options.Alias, "walkthrough: the gate passed", cancellationToken: cancellationToken);
        return $"{options.Alias} → {version.Id} (was {(moved.From is { } from ? $"v{from}" : "unset")})";
    }

    private async Task<string> CompareAsync(CancellationToken cancellationToken)
    {
        var prompts = await client.GetHeldOutPromptsAsync(_dataset!.Dataset, _dataset.Version, options.HeldOutPrompts, cancellationToken);
        if (prompts.Count == 0) throw new StageFailedException($"the test split of {_dataset.Id} has no chat or prompt/completion records to ask");
        var fineTuned = _version!.Version.Id;
        var answers = new List<AnswerComparison>();
        foreach (var prompt in prompts)
        {
            console.MarkupLineInterpolated($"asking: {prompt.Question}");
            answers.Add(new AnswerComparison(prompt.Question, prompt.Expected,
                await client.ChatAsync(fineTuned, prompt.Messages, options.MaxAnswerTokens, cancellationToken),
                await client.ChatAsync(options.BaseModel, prompt.Messages, options.MaxAnswerTokens, cancellationToken)));
        }
        _answers = answers;
        var table = new Table().ShowRowSeparators().AddColumns("question", "expected", $"fine-tuned ({fineTuned})", $"base ({options.BaseModel})");
        foreach (var answer in answers) table.AddTextRow(answer.Question, answer.Expected, answer.FineTuned, answer.Base);
        console.Write(table);
        return $"{answers.Count} held-out question(s) of {_dataset.Id} asked of {fineTuned} and {options.BaseModel}";
    }

    private async Task SummarizeAsync(CancellationToken cancellationToken)
    {
        console.WriteLine();
        console.Write(new Rule("[bold]Summary[/]").LeftJustified());
        var table = new Table().AddColumns("stage", "result", "time");
        foreach (var stage in _stages)
            table.AddTextRow($"{stage.Number}. {stage.Name}", (stage.Ok ? "" : "FAILED: ") + stage.Result, $"{stage.Elapsed.TotalSeconds:0.0} s");
        console.Write(table);
        console.MarkupLineInterpolated($"gateway:    {client.Gateway}");
        console.MarkupLineInterpolated($"dashboard:  {client.DashboardUrl}");
        if (_job is not null) console.MarkupLineInterpolated($"monitoring: {await MonitoringRunAsync(_job.Id, cancellationToken)}");
        if (_failure is not null) console.MarkupLineInterpolated($"[red]stopped at {_failure}[/]");
    }

    private async Task<string> MonitoringRunAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.FindRunAsync(jobId, cancellationToken) is { } run
                ? $"run {run.JobId} ({run.Status}), {client.Gateway}api/monitoring/runs"
                : $"no run for {jobId} yet, {client.Gateway}api/monitoring/runs";
        }
        catch (SuiteApiException e) { return $"unavailable ({e.Message})"; }
    }

    private async Task<T> PollAsync<T>(Func<Task<T?>> probe, DateTimeOffset deadline, Func<string> timeoutMessage, CancellationToken cancellationToken) where T : class
    {
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException(timeoutMessage());
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    private sealed class StageFailedException(string message) : Exception(message);
}
