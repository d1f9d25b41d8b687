using FineTune.Contracts;
using FineTune.ServiceDefaults.Http;
using FineTune.Training.Jobs;
using FineTune.Training.Workers;
using MassTransit;

namespace FineTune.Training.Apis;

/// <summary>
/// OpenAI's fine-tuning API: create, list (paginated with <c>after</c> and <c>limit</c>), get, events,
/// checkpoints, cancel. A created job is stored, then sent to the workers as <see cref="StartTraining"/>;
/// every answer comes from the stored job, so any replica answers the same, before and after a restart.
/// </summary>
public static class FineTuningApi
{
    public static IEndpointRouteBuilder MapFineTuningApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/v1/fine_tuning/jobs").WithTags("Fine-tuning");
        jobs.MapPost("/", CreateAsync).WithSummary("Create a fine-tuning job")
            .WithDescription("OpenAI's request, plus `extensions`: `method` (full, lora, qlora, dora, hft), `rank`, `lora_alpha`, `lora_dropout`, `target_modules`, " +
                             "`learning_rate`, `schedule` (cosine, linear), `warmup_ratio`, `weight_decay`, `gradient_accumulation_steps`, `early_stopping_patience`, " +
                             "`eval_steps`, `save_steps`, `max_steps`, `max_seq_length`, and `search` (`learning_rates`, `ranks`, `epochs`, `strategy` grid|random, `max_trials`) " +
                             "for a hyperparameter search. `training_file` and `validation_file` name curated dataset versions as `{dataset}:{version}`.");
        jobs.MapGet("/", ListAsync).WithSummary("List fine-tuning jobs, newest first");
        jobs.MapGet("/{id}", GetAsync).WithSummary("Get a fine-tuning job");
        jobs.MapGet("/{id}/events", EventsAsync).WithSummary("List a job's events (progress, checkpoints, outcome)");
        jobs.MapGet("/{id}/checkpoints", CheckpointsAsync).WithSummary("List a job's stored checkpoints");
        jobs.MapPost("/{id}/cancel", CancelAsync).WithSummary("Cancel a job that has not finished");
        return app;
    }

    public static async Task<IResult> CreateAsync(CreateJobRequest request, JobFactory factory, JobStore store, ISendEndpointProvider send, CancellationToken cancellationToken)
    {
        TrainingJob job;
        try { job = await factory.CreateAsync(request, cancellationToken); }
        catch (ArgumentException e) { return OpenAiError.Result(400, Message(e), e.ParamName); }

        job = job with { Status = JobStatus.Queued };
        await store.CreateAsync(job, cancellationToken);
        await store.AddEventAsync(job.Id, JobEvent.Note($"Created fine-tuning job {job.Id}: {job.Options.Method.ToString().ToLowerInvariant()} on {job.Model} with {job.TrainingFile}."), cancellationToken);
        var queue = await send.GetSendEndpoint(new Uri($"queue:{StartTrainingConsumerDefinition.Queue}"));
        await queue.Send(new StartTraining(job.Id, job.Dataset, job.Model, job.ContractMethod, job.Hyperparameters, job.Suffix, job.Options.Seed, job.CreatedAt), cancellationToken);
        return Results.Ok(JobView.Of(job));
    }

    public static async Task<IResult> ListAsync(JobStore store, string? after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100) return OpenAiError.Result(400, $"'limit' must be between 1 and 100, got {limit}.", "limit");
        var all = await store.ListAsync(cancellationToken);
        var start = after is null ? 0 : all.ToList().FindIndex(j => j.Id == after) + 1;
        if (after is not null && start == 0) return OpenAiError.Result(400, $"'after' names no job: '{after}'.", "after");
        var page = all.Skip(start).Take(limit ?? 20).Select(JobView.Of).ToList();
        return Results.Ok(new Page<JobView>(page, start + page.Count < all.Count, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    public static async Task<IResult> GetAsync(string id, JobStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } job ? Results.Ok(JobView.Of(job)) : NotFound(id);

    public static async Task<IResult> EventsAsync(string id, JobStore store, string? after, int? limit, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is null) return NotFound(id);
        // newest first, as OpenAI lists them
        var events = (await store.EventsAsync(id, cancellationToken)).Reverse().ToList();
        var start = after is null ? 0 : events.FindIndex(e => e.Id == after) + 1;
        var page = events.Skip(start).Take(limit ?? 20).ToList();
        return Results.Ok(new Page<JobEvent>(page, start + page.Count < events.Count, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    public static async Task<IResult> CheckpointsAsync(string id, JobStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } job) return NotFound(id);
        var page = job.Checkpoints.OrderByDescending(c => c.Step).Select(c => CheckpointView.Of(job, c)).ToList();
        return Results.Ok(new Page<CheckpointView>(page, false, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id));
    }

    public static async Task<IResult> CancelAsync(string id, JobStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is null) return NotFound(id);
        // a queued job is cancelled at once; a running one when its worker next renews its lease
        var finished = false;
        var job = await store.UpdateAsync(id, j =>
        {
            finished = j.Status.IsFinished();
            return finished ? null
                : j.Status == JobStatus.Queued ? j with { Status = JobStatus.Cancelled, CancelRequested = true, FinishedAt = DateTimeOffset.UtcNow }
                : j with { CancelRequested = true };
        }, cancellationToken);
        if (finished)
            return OpenAiError.Result(400, $"Job {id} has already {job.Status.ToString().ToLowerInvariant()}; only a job that has not finished can be cancelled.", "id", "job_finished");
        await store.AddEventAsync(id, JobEvent.Note("Cancellation requested."), cancellationToken);
        return Results.Ok(JobView.Of(job));
    }

    private static IResult NotFound(string id) => OpenAiError.Result(404, $"No fine-tuning job with id '{id}'.", "id");

    private static string Message(ArgumentException e) => e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
}
