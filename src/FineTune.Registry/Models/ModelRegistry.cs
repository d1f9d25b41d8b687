using FineTune.Contracts;
using FineTune.ServiceDefaults;
using MassTransit;

namespace FineTune.Registry.Models;

/// <summary>
/// The registry's rules: register a version per finished training job (once), attach its evaluation
/// (once) and promote it when the gate passed and the model's policy says so, promote and roll back
/// aliases by compare-and-swap — a change applies only to the state it was decided on, so of racing
/// promotions exactly one wins — and record every transition in the audit log.
/// </summary>
public sealed class ModelRegistry(RegistryStore store, KeyedLocks locks, IPublishEndpoint publish, ILogger<ModelRegistry> logger)
{
    public const string RegistryActor = "registry";

    /// <summary>The model a training job's versions belong to: its suffix, else its dataset.</summary>
    public static string ModelNameFor(TrainingCompleted completed) => AliasNames.ValidateModel(completed.Suffix ?? completed.Dataset.DatasetId);

    public async Task<ModelVersion> RegisterAsync(TrainingCompleted completed, CancellationToken cancellationToken = default)
    {
        var name = ModelNameFor(completed);
        using var held = await locks.AcquireAsync(name, cancellationToken);
        await store.EnsureModelAsync(name, cancellationToken);
        var version = (await store.ListVersionsAsync(name, cancellationToken)).FirstOrDefault(v => v.JobId == completed.JobId);
        if (version is null)
        {
            version = await store.AddVersionAsync(name, number => new ModelVersion(name, number, completed.JobId, completed.BaseModel, completed.Method,
                completed.Model, completed.IsAdapter, completed.Dataset, completed.Hyperparameters, completed.Steps, completed.FinalTrainLoss,
                completed.FinalValidationLoss, DateTimeOffset.UtcNow), cancellationToken);
            await Audit(name, "registered", null, null, version.Version, RegistryActor, $"training job {completed.JobId} completed", cancellationToken);
            logger.LogInformation("Registered {Model}", version.Id);
        }
        // a redelivery finds the version and announces it again: consumers of ModelRegistered are idempotent
        await publish.Publish(new ModelRegistered(version.Ref, version.JobId, version.Dataset, version.BaseModel, version.Method, version.Artifact,
            version.IsAdapter, version.CreatedAt), cancellationToken);
        return version;
    }

    /// <summary>Attaches the evaluation to the job's version; a passed gate promotes it to the model's auto-promotion alias.</summary>
    public async Task AttachEvaluationAsync(EvaluationCompleted evaluation, CancellationToken cancellationToken = default)
    {
        var version = await FindByJobAsync(evaluation.JobId, cancellationToken)
            ?? throw new UnknownModelException($"No registered version comes from training job '{evaluation.JobId}' (yet).");
        var attached = await store.AttachEvaluationAsync(version.Name, new VersionEvaluation(evaluation.EvaluationId, version.Version, evaluation.Passed,
            evaluation.Report, evaluation.Metrics, evaluation.FailedChecks, evaluation.CompletedAt), cancellationToken);
        if (!attached) return; // redelivered: attached and acted on before
        await Audit(version.Name, "evaluated", null, null, version.Version, RegistryActor,
            evaluation.Passed ? $"gate passed ({evaluation.EvaluationId})" : $"gate failed: {string.Join(", ", evaluation.FailedChecks)} ({evaluation.EvaluationId})", cancellationToken);
        var model = (await store.GetModelAsync(version.Name, cancellationToken))!.Value.Model;
        if (!evaluation.Passed || model.AutoPromoteTo is not { } alias) return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PromoteAsync(version.Name, version.Version, alias, RegistryActor, $"gate passed in evaluation {evaluation.EvaluationId}", force: false, expected: null, cancellationToken);
                return;
            }
            catch (AliasConflictException) when (attempt < 5)
            {
                // a person moved the alias at the same moment: decide again on what they left
            }
        }
    }

    /// <summary>
    /// Points <paramref name="alias"/> at the version. Refused when the version failed its gate (or has
    /// none) unless forced with a reason; conflicts when the alias is no longer at <paramref name="expected"/>
    /// (or, without one, changed since this request read it).
    /// </summary>
    public async Task<ModelPromoted> PromoteAsync(string name, int version, string alias, string by, string reason, bool force, int? expected,
        CancellationToken cancellationToken = default)
    {
        AliasNames.Validate(alias);
        var target = await store.GetVersionAsync(name, version, cancellationToken) ?? throw new UnknownModelException($"Model '{name}' has no version {version}.");
        var (model, etag) = (await store.GetModelAsync(name, cancellationToken))!.Value;
        if (model.Archived.Contains(version)) throw new RegistryRuleException($"{target.Id} is archived; it cannot be promoted.", "archived");
        if (!force)
        {
            var evaluation = await store.GetEvaluationAsync(name, version, cancellationToken);
            if (evaluation is not { Passed: true })
                throw new RegistryRuleException(evaluation is null
                    ? $"{target.Id} has not been evaluated; promote it after its gate passes, or force it with a reason."
                    : $"{target.Id} failed its gate ({string.Join(", ", evaluation.FailedChecks)}); only an admin can force it, with a reason.", "gate_not_passed");
        }
        else if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("A forced promotion needs a reason.", "reason");

        var current = model.Aliases.TryGetValue(alias, out var now) ? now : (int?)null;
        if (expected is { } wanted && wanted != current)
            throw new AliasConflictException($"'{alias}' of {name} points at {Describe(current)}, not at version {wanted}; read it again and decide again.");
        if (current == version) return Promoted(target, alias, current, by, reason);
        var changed = model with
        {
            Aliases = new Dictionary<string, int>(model.Aliases) { [alias] = version },
            History = current is { } previous ? WithHistory(model.History, alias, previous) : model.History,
        };
        if (!await store.TryReplaceModelAsync(changed, etag, cancellationToken))
            throw new AliasConflictException($"'{alias}' of {name} was changed by another request while this one was deciding; read it again and decide again.");
        await Audit(name, force ? "promoted (forced)" : "promoted", alias, current, version, by, reason, cancellationToken);
        var promoted = Promoted(target, alias, current, by, reason);
        await publish.Publish(promoted, cancellationToken);
        return promoted;
    }

    /// <summary>Moves the alias back to the version it pointed at before, in one call.</summary>
    public async Task<ModelRolledBack> RollbackAsync(string name, string alias, string by, string reason, CancellationToken cancellationToken = default)
    {
        AliasNames.Validate(alias);
        var (model, etag) = await store.GetModelAsync(name, cancellationToken) ?? throw new UnknownModelException($"No model '{name}'.");
        if (!model.Aliases.TryGetValue(alias, out var from)) throw new UnknownModelException($"Model '{name}' has no alias '{alias}'.");
        var earlier = model.History.GetValueOrDefault(alias) ?? [];
        if (earlier.Count == 0) throw new RegistryRuleException($"'{alias}' of {name} has no earlier version to roll back to.", "nothing_to_roll_back");
        var to = earlier[^1];
        var target = (await store.GetVersionAsync(name, to, cancellationToken))!;
        var changed = model with
        {
            Aliases = new Dictionary<string, int>(model.Aliases) { [alias] = to },
            History = new Dictionary<string, IReadOnlyList<int>>(model.History) { [alias] = [.. earlier.Take(earlier.Count - 1)] },
        };
        if (!await store.TryReplaceModelAsync(changed, etag, cancellationToken))
            throw new AliasConflictException($"'{alias}' of {name} was changed by another request while this one was deciding; read it again and decide again.");
        await Audit(name, "rolled back", alias, from, to, by, reason, cancellationToken);
        var rolledBack = new ModelRolledBack(name, alias, from, to, target.BaseModel, target.Artifact, target.IsAdapter, by, reason, DateTimeOffset.UtcNow);
        await publish.Publish(rolledBack, cancellationToken);
        return rolledBack;
    }

    public async Task<ModelVersion?> FindByJobAsync(string jobId, CancellationToken cancellationToken)
    {
        foreach (var model in await store.ListModelsAsync(cancellationToken))
            if ((await store.ListVersionsAsync(model.Name, cancellationToken)).FirstOrDefault(v => v.JobId == jobId) is { } version) return version;
        return null;
    }

    private static ModelPromoted Promoted(ModelVersion target, string alias, int? previous, string by, string reason) =>
        new(target.Ref, alias, previous, target.BaseModel, target.Artifact, target.IsAdapter, by, reason, DateTimeOffset.UtcNow);

    private static Dictionary<string, IReadOnlyList<int>> WithHistory(IReadOnlyDictionary<string, IReadOnlyList<int>> history, string alias, int previous) =>
        new(history) { [alias] = [.. history.GetValueOrDefault(alias) ?? [], previous] };

    private static string Describe(int? version) => version is { } v ? $"version {v}" : "no version";

    private Task Audit(string name, string action, string? alias, int? from, int? to, string by, string reason, CancellationToken cancellationToken) =>
        store.AppendAuditAsync(new AuditEntry(Guid.NewGuid().ToString("N")[..12], name, action, alias, from, to, by, reason, DateTimeOffset.UtcNow), cancellationToken);
}
