namespace FineTune.Contracts;

// The ids every event carries so that any model can be traced back to the exact bytes it came from.
// Bytes never ride the bus: events point at artifacts by URI and SHA-256.

/// <summary>One immutable version of a curated dataset.</summary>
/// <param name="Sha256">Hash over the version's split manifests: the same bytes always give the same hash.</param>
public sealed record DatasetRef(string DatasetId, int Version, string Sha256);

/// <summary>An object in the artifact store.</summary>
/// <param name="Uri">Where it lives, e.g. <c>artifacts://models/support-bot/3/adapter.safetensors</c>.</param>
public sealed record ArtifactRef(string Uri, string Sha256, long Length);

/// <summary>One registered version of a named model.</summary>
public sealed record ModelRef(string Name, int Version);

/// <summary>How the weights are changed.</summary>
public enum FineTuningMethod
{
    Full,
    Lora,
    QLora,
    Dora,
    HalfFineTuning,
}

/// <summary>The settings a training run was asked for; stored with the model for lineage.</summary>
public sealed record TrainingHyperparameters(
    int Epochs,
    int BatchSize,
    double LearningRate,
    string Schedule = "cosine",
    int WarmupSteps = 0,
    int? LoraRank = null,
    double? LoraAlpha = null,
    double? LoraDropout = null,
    IReadOnlyList<string>? TargetModules = null,
    int? EarlyStoppingPatience = null);
