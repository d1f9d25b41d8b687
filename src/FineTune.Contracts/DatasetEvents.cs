namespace FineTune.Contracts;

/// <summary>Curation produced a new dataset version; training may start from it.</summary>
/// <param name="TaskType">chat, completion, text or classification: picks the evaluation metrics.</param>
/// <param name="RetrainingRequestId">Set when the version was built to answer a <see cref="RetrainingRequested"/>.</param>
public sealed record DatasetCurated(
    DatasetRef Dataset,
    string TaskType,
    ArtifactRef Train,
    ArtifactRef Validation,
    ArtifactRef Test,
    ArtifactRef Report,
    long TrainRecords,
    long ValidationRecords,
    long TestRecords,
    DateTimeOffset CuratedAt,
    Guid? RetrainingRequestId = null);

/// <summary>Monitoring asks curation for the next dataset version of a model (sustained drift or a policy).</summary>
public sealed record RetrainingRequested(
    Guid RequestId,
    ModelRef Model,
    DatasetRef CurrentDataset,
    string Reason,
    DateTimeOffset RequestedAt);
