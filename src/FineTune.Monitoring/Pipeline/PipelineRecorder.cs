using FineTune.Contracts;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Pipeline;

/// <summary>
/// Turns the pipeline's events into the stored run, evaluation and model documents. Every change is a
/// compare-and-swap on one document (so replicas and concurrent deliveries never lose each other's
/// writes), adds facts rather than overwriting state (so a redelivery changes nothing and a late event
/// merges), and reports what was unusual about the event to <see cref="PipelineMetrics"/>.
/// </summary>
public sealed class PipelineRecorder(IArtifactStore store, PipelineMetrics metrics)
{
    private readonly JsonDocuments<RunDocument> _runs = new(store);
    private readonly JsonDocuments<EvaluationRecord> _evaluations = new(store);
    private readonly JsonDocuments<ModelDocument> _models = new(store);

    public async Task ProgressedAsync(TrainingProgressed progressed, CancellationToken cancellationToken)
    {
        var point = new CurvePoint(progressed.Step, progressed.Epoch, progressed.TrainLoss, progressed.ValidationLoss,
            progressed.LearningRate, progressed.TokensPerSecond, progressed.At);
        var observed = await ChangeRunAsync(progressed.JobId, unknownIfNew: false, run =>
        {
            if (run.Curve.Holds(point.Step)) return (null, Observed.Nothing);
            var late = run.HasEnded || point.Step < (run.Curve.Last?.Step ?? -1);
            // a step the stride already thinned out is late, and stays out
            if (run.Curve.With(point) is not { } curve) return (null, Observed.OutOfOrder);
            return (run.Knowing(null, null, null, point.At) with { Curve = curve, TotalSteps = Math.Max(run.TotalSteps, progressed.TotalSteps) },
                late ? Observed.OutOfOrder : Observed.Nothing);
        }, cancellationToken);
        metrics.Record(nameof(TrainingProgressed), observed);
    }

    public async Task CompletedAsync(TrainingCompleted completed, CancellationToken cancellationToken)
    {
        var completion = new RunCompletion(completed.Steps, completed.FinalTrainLoss, completed.FinalValidationLoss, completed.CompletedAt);
        var observed = await ChangeRunAsync(completed.JobId, unknownIfNew: false, run =>
        {
            var late = run.Completion?.At > completion.At || run.Failure?.At > completion.At;
            var known = run.Knowing(completed.Dataset, completed.BaseModel, completed.Method, completion.At);
            return (run.Completion?.At > completion.At ? known : known with { Completion = completion }, late ? Observed.OutOfOrder : Observed.Nothing);
        }, cancellationToken);
        metrics.Record(nameof(TrainingCompleted), observed);
    }

    public async Task FailedAsync(TrainingFailed failed, CancellationToken cancellationToken)
    {
        var failure = new RunFailure(failed.Error, failed.Reason, failed.Step, failed.FailedAt);
        var observed = await ChangeRunAsync(failed.JobId, unknownIfNew: false, run =>
        {
            var late = run.Completion?.At > failure.At || run.Failure?.At > failure.At;
            var known = run.Knowing(failed.Dataset, null, null, failure.At);
            return (run.Failure?.At > failure.At ? known : known with { Failure = failure }, late ? Observed.OutOfOrder : Observed.Nothing);
        }, cancellationToken);
        metrics.Record(nameof(TrainingFailed), observed);
    }

    public async Task EvaluatedAsync(EvaluationCompleted evaluated, CancellationToken cancellationToken)
    {
        var observed = Observed.Nothing;
        try { await _evaluations.CreateAsync(PipelineKeys.Evaluation(evaluated.EvaluationId), EvaluationRecord.From(evaluated), cancellationToken); }
        catch (ArtifactPreconditionFailedException) { observed = Observed.Duplicate; }

        // the base model's own evaluation belongs to no job; a job's is applied even when redelivered, in case the first delivery stopped half way
        if (evaluated.JobId.Length > 0)
            observed |= Observed.UnknownReference & await ChangeRunAsync(evaluated.JobId, unknownIfNew: true,
                run => (run.Knowing(null, null, null, evaluated.CompletedAt) with { Model = run.Model ?? evaluated.Model }, Observed.Nothing), cancellationToken);
        metrics.Record(nameof(EvaluationCompleted), observed);
    }

    public async Task RegisteredAsync(ModelRegistered registered, CancellationToken cancellationToken)
    {
        var entry = new ModelVersionEntry(registered.Model.Version, registered.JobId, registered.RegisteredAt);
        var model = await ChangeModelAsync(registered.Model.Name, unknownIfNew: false,
            document => (document.Versions.Contains(entry) ? null : document.WithVersion(entry), Observed.Nothing), cancellationToken);
        var run = await ChangeRunAsync(registered.JobId, unknownIfNew: true, document =>
            (document.Knowing(registered.Dataset, registered.BaseModel, registered.Method, registered.RegisteredAt) with { Model = registered.Model }, Observed.Nothing),
            cancellationToken);
        // the model's version entry is the receipt: a second delivery racing the first may still be the one that writes the run
        metrics.Record(nameof(ModelRegistered), (model & Observed.Duplicate) | (run & Observed.UnknownReference));
    }

    public async Task PromotedAsync(ModelPromoted promoted, CancellationToken cancellationToken) =>
        metrics.Record(nameof(ModelPromoted), await MovedAsync(promoted.Model.Name, new AliasTransition(AliasTransition.Promoted, promoted.Alias,
            promoted.PreviousVersion, promoted.Model.Version, promoted.By, promoted.Reason, promoted.PromotedAt), cancellationToken));

    public async Task RolledBackAsync(ModelRolledBack rolledBack, CancellationToken cancellationToken) =>
        metrics.Record(nameof(ModelRolledBack), await MovedAsync(rolledBack.ModelName, new AliasTransition(AliasTransition.RolledBack, rolledBack.Alias,
            rolledBack.FromVersion, rolledBack.ToVersion, rolledBack.By, rolledBack.Reason, rolledBack.RolledBackAt), cancellationToken));

    // an alias move names a version the registry made: if it is not known here yet, the registration is still on its way
    private Task<Observed> MovedAsync(string name, AliasTransition transition, CancellationToken cancellationToken) =>
        ChangeModelAsync(name, unknownIfNew: true, model =>
        {
            if (model.History.Contains(transition)) return (null, Observed.Nothing);
            var observed = model.LatestMove(transition.Alias) > transition.At ? Observed.OutOfOrder : Observed.Nothing;
            var changed = model.WithTransition(transition);
            if (!model.Knows(transition.To))
            {
                observed |= Observed.UnknownReference;
                changed = changed.WithVersion(new ModelVersionEntry(transition.To, null, null));
            }
            return (changed, observed);
        }, cancellationToken);

    private Task<Observed> ChangeRunAsync(string jobId, bool unknownIfNew, Func<RunDocument, (RunDocument?, Observed)> change, CancellationToken cancellationToken) =>
        ChangeAsync(_runs, PipelineKeys.Run(jobId), () => RunDocument.New(jobId), unknownIfNew, change, cancellationToken);

    private Task<Observed> ChangeModelAsync(string name, bool unknownIfNew, Func<ModelDocument, (ModelDocument?, Observed)> change, CancellationToken cancellationToken) =>
        ChangeAsync(_models, PipelineKeys.Model(name), () => ModelDocument.New(name), unknownIfNew, change, cancellationToken);

    /// <summary>
    /// Creates the document if it is missing, then applies the change by compare-and-swap. A change that
    /// returns null or an equal document writes nothing and, unless it said why, counts as a duplicate.
    /// </summary>
    private static async Task<Observed> ChangeAsync<T>(JsonDocuments<T> documents, string key, Func<T> seed, bool unknownIfNew,
        Func<T, (T?, Observed)> change, CancellationToken cancellationToken) where T : class
    {
        var existed = await EnsureAsync(documents, key, seed, cancellationToken);
        var observed = Observed.Nothing;
        await documents.UpdateAsync(key, current =>
        {
            // runs again on a lost race: only the last run's observation counts
            var (changed, seen) = change(current);
            var unchanged = changed is null || changed.Equals(current);
            observed = unchanged && seen == Observed.Nothing ? Observed.Duplicate : seen;
            return unchanged ? null : changed;
        }, cancellationToken);
        return existed || !unknownIfNew ? observed : observed | Observed.UnknownReference;
    }

    private static async Task<bool> EnsureAsync<T>(JsonDocuments<T> documents, string key, Func<T> seed, CancellationToken cancellationToken) where T : class
    {
        if (await documents.GetAsync(key, cancellationToken) is not null) return true;
        try
        {
            await documents.CreateAsync(key, seed(), cancellationToken);
            return false;
        }
        catch (ArtifactPreconditionFailedException) { return true; }
    }
}
