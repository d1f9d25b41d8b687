using FineTune.Contracts;

namespace FineTune.Registry.Models;

/// <summary>
/// One registered version of a named model, written once (create-only) at
/// <c>registry/models/{name}/versions/{000001}.json</c> and never changed: where the weights are and
/// their SHA-256, what they were trained from and how.
/// </summary>
public sealed record ModelVersion(
    string Name,
    int Version,
    string JobId,
    string BaseModel,
    FineTuningMethod Method,
    ArtifactRef Artifact,
    bool IsAdapter,
    DatasetRef Dataset,
    TrainingHyperparameters Hyperparameters,
    int Steps,
    double FinalTrainLoss,
    double? FinalValidationLoss,
    DateTimeOffset CreatedAt)
{
    public ModelRef Ref => new(Name, Version);

    /// <summary>OpenAI-style id of this version: <c>{name}:{version}</c>.</summary>
    public string Id => $"{Name}:{Version}";
}

/// <summary>An evaluation attached to a version (create-only at <c>registry/models/{name}/evaluations/{000001}.json</c>).</summary>
public sealed record VersionEvaluation(
    string EvaluationId,
    int Version,
    bool Passed,
    ArtifactRef Report,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> FailedChecks,
    DateTimeOffset CompletedAt);

/// <summary>
/// The mutable part of a model, at <c>registry/models/{name}/model.json</c>, changed only with an
/// ETag check: which version each alias points at, what each alias pointed at before (for rollback),
/// archived versions, and the promotion policy.
/// </summary>
public sealed record RegisteredModel
{
    public required string Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public IReadOnlyDictionary<string, int> Aliases { get; init; } = new Dictionary<string, int>();
    /// <summary>Per alias, the versions it pointed at before, most recent last.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> History { get; init; } = new Dictionary<string, IReadOnlyList<int>>();
    public IReadOnlyList<int> Archived { get; init; } = [];
    /// <summary>
    /// The alias a version whose gate passed is promoted to at once; null: promotion is manual. No
    /// default here: the stored JSON leaves nulls out, so a default would turn a manual policy back
    /// into an automatic one on the next read. A new model starts with <see cref="AliasNames.Production"/>.
    /// </summary>
    public string? AutoPromoteTo { get; init; }
}

/// <summary>One transition, kept in the append-only audit log: who moved which alias, from where, to where, when and why.</summary>
public sealed record AuditEntry(string Id, string Model, string Action, string? Alias, int? From, int? To, string By, string Reason, DateTimeOffset At);
