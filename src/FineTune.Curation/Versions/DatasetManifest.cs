using FineTune.Contracts;
using FineTune.Curation.Pipeline;
using FineTune.Datasets.Canaries;
using FineTune.Datasets.Versions;

namespace FineTune.Curation.Versions;


/// <summary>
/// A dataset version: the immutable record that makes it exist. Its objects are content-addressed
/// (their key is their SHA-256) and written first; the manifest is written last and create-only, so a
/// version is either complete and visible or not there at all. It keeps the sources and options, so
/// the next version (after feedback) can be curated the same way.
/// </summary>
/// <param name="Sha256">The version's identity: SHA-256 over the three splits' hashes; the same data always gives the same hash.</param>
/// <param name="RequestKey">SHA-256 of what was asked (dataset, sources, options, retraining request): asking again returns this version instead of writing another.</param>
public sealed record DatasetManifest(
    string Dataset,
    int Version,
    string Sha256,
    string TaskType,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> Sources,
    CurationOptions Options,
    string RequestKey,
    CuratedFile Train,
    CuratedFile Validation,
    CuratedFile Test,
    CuratedFile Report,
    CuratedFile Card,
    CuratedFile? Folds = null,
    IReadOnlyDictionary<string, double>? ClassWeights = null,
    Guid? RetrainingRequestId = null,
    IReadOnlyList<Canary>? Canaries = null)
{
    public DatasetRef ToRef() => new(Dataset, Version, Sha256);

    public CuratedFile? Split(string name) => name switch
    {
        "train" => Train,
        "validation" => Validation,
        "test" => Test,
        "folds" => Folds,
        _ => null,
    };

    public DatasetCurated ToEvent() => new(ToRef(), TaskType, Train.ToRef(), Validation.ToRef(), Test.ToRef(), Report.ToRef(),
        Train.Records ?? 0, Validation.Records ?? 0, Test.Records ?? 0, CreatedAt, RetrainingRequestId);
}

/// <summary>The URI form of artifact keys that events carry: <c>artifacts://datasets/…</c>.</summary>
public static class ArtifactUris
{
    public const string Scheme = "artifacts://";

    public static string For(string key) => Scheme + key;

    public static ArtifactRef ToRef(this CuratedFile file) => new(For(file.Key), file.Sha256, file.Bytes);
}
