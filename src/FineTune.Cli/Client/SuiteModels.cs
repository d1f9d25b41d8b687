using System.Text.Json;

namespace FineTune.Cli.Client;

// What the client reads from the suite: only the fields the CLI shows or acts on, in the services'
// snake_case JSON (unknown fields are ignored, so a service may add to its answers freely).

/// <summary>An uploaded raw file (OpenAI's <c>file</c> object).</summary>
public sealed record UploadedFile(string Id, string Filename, long Bytes, string? StatusDetails);

/// <summary>A curated dataset version's manifest: its id is <c>{dataset}:{version}</c>, what <c>training_file</c> takes.</summary>
public sealed record DatasetVersion(string Dataset, int Version, string Sha256, string TaskType)
{
    public string Id => $"{Dataset}:{Version}";
}

/// <summary>The counts of a dataset card: records in and out of every curation step, per split, PII redacted, duplicates removed.</summary>
public sealed record DatasetCardCounts(
    IReadOnlyList<CurationStepCount> Steps, IReadOnlyDictionary<string, int> SplitRecords, int ExactDuplicatesRemoved,
    int NearDuplicatesRemoved, IReadOnlyDictionary<string, int> PiiRedacted, bool LeakageCheckPassed)
{
    public long RecordsIn => Steps.Count > 0 ? Steps[0].RecordsIn : 0;
    public long RecordsOut => SplitRecords.Values.Sum();
    public int PiiTotal => PiiRedacted.Values.Sum();
    public int DuplicatesRemoved => ExactDuplicatesRemoved + NearDuplicatesRemoved;
}

public sealed record CurationStepCount(string Step, long RecordsIn, long RecordsOut);

/// <summary>What <c>finetune jobs create</c> asks for; null settings are left to the training service's defaults.</summary>
public sealed record JobRequest
{
    public required string TrainingFile { get; init; }
    public string Model { get; init; } = "finetune-base";
    public string Method { get; init; } = "lora";
    public string? Suffix { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public int? MaxSteps { get; init; }
    public double? LearningRate { get; init; }
    public int? Seed { get; init; }
}

/// <summary>A fine-tuning job (OpenAI's <c>fine_tuning.job</c>) with FineTune's live state from its extensions.</summary>
public sealed record FineTuningJob(
    string Id, string Status, string Model, string TrainingFile, string? FineTunedModel, string? Suffix, long CreatedAt,
    long? FinishedAt, long? TrainedTokens, JobFailure? Error, JobExtensionsState? Extensions)
{
    public bool IsFinished => Status is "succeeded" or "failed" or "cancelled";
    public int Step => Extensions?.Step ?? 0;
    public int TotalSteps => Extensions?.TotalSteps ?? 0;
    public string MethodName => Extensions?.Method ?? "?";
}

public sealed record JobFailure(string? Code, string? Message, string? Param);

public sealed record JobExtensionsState(string Method, int Step, int TotalSteps, int? MaxSteps, string? Worker, string? Model);

/// <summary>One entry of a job's log; metrics events carry the step's loss and throughput in <see cref="Data"/>.</summary>
public sealed record JobEventEntry(string Id, long CreatedAt, string Level, string Message, string Type, IReadOnlyDictionary<string, JsonElement>? Data)
{
    public double? Number(string name) => Data is not null && Data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}

/// <summary>A registered model: which version each alias points at, and where a passing version goes by itself.</summary>
public sealed record RegistryModel(string Name, IReadOnlyDictionary<string, int> Aliases, string? AutoPromoteTo)
{
    public int? AliasVersion(string alias) => Aliases.TryGetValue(alias, out var version) ? version : null;
}

/// <summary>A model with its versions, as <c>GET /api/registry/models/{name}</c> answers.</summary>
public sealed record RegistryModelView(RegistryModel Model, IReadOnlyList<RegistryVersion> Versions);

public sealed record RegistryVersion(string Name, int Version, string JobId, string BaseModel, string Method, bool IsAdapter, int Steps, double FinalTrainLoss)
{
    public string Id => $"{Name}:{Version}";
}

/// <summary>A version with its evaluation, once the evaluation service has judged it.</summary>
public sealed record RegistryVersionView(RegistryVersion Version, VersionVerdict? Evaluation);

/// <summary>The gate's verdict on a version, with the headline metrics and the rules it failed.</summary>
public sealed record VersionVerdict(string EvaluationId, int Version, bool Passed, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> FailedChecks);

/// <summary>What an alias move did: <c>ModelPromoted</c> or <c>ModelRolledBack</c> as the registry answers them.</summary>
public sealed record AliasMove(string Model, string Alias, int? From, int To);

/// <summary>A pipeline run as monitoring shows it: one per training job.</summary>
public sealed record MonitoringRun(string JobId, string Status, string? Dataset, IReadOnlyList<string>? Aliases);

/// <summary>One chat turn.</summary>
public sealed record ChatTurn(string Role, string Content);

/// <summary>A held-out example: the conversation up to the question, and the answer the dataset expects.</summary>
public sealed record HeldOutPrompt(IReadOnlyList<ChatTurn> Messages, string Expected)
{
    public string Question => Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
}
