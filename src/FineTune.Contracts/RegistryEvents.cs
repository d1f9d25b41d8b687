namespace FineTune.Contracts;

/// <summary>The registry recorded a new, immutable model version.</summary>
public sealed record ModelRegistered(
    ModelRef Model,
    string JobId,
    DatasetRef Dataset,
    string BaseModel,
    FineTuningMethod Method,
    ArtifactRef Artifact,
    bool IsAdapter,
    DateTimeOffset RegisteredAt);

/// <summary>An alias (<c>production</c>, <c>staging</c>, …) now points at <see cref="Model"/>; inference switches to it.</summary>
public sealed record ModelPromoted(
    ModelRef Model,
    string Alias,
    int? PreviousVersion,
    string BaseModel,
    ArtifactRef Artifact,
    bool IsAdapter,
    string By,
    string Reason,
    DateTimeOffset PromotedAt);

/// <summary>An alias was moved back from one version to an earlier one.</summary>
public sealed record ModelRolledBack(
    string ModelName,
    string Alias,
    int FromVersion,
    int ToVersion,
    string BaseModel,
    ArtifactRef Artifact,
    bool IsAdapter,
    string By,
    string Reason,
    DateTimeOffset RolledBackAt);
