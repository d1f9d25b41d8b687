using FineTune.Datasets.Canaries;

namespace FineTune.Datasets.Versions;

/// <summary>
/// Where curated dataset versions live in the artifact store — the one convention the curation
/// service writes by and training reads by.
/// </summary>
public static class DatasetVersionKeys
{
    /// <summary>The manifest that makes a version exist: <c>datasets/{name}/versions/{000001}.json</c>.</summary>
    public static string Manifest(string dataset, int version) => $"datasets/{dataset}/versions/{version:D6}.json";

    /// <summary>A content-addressed object of a dataset: <c>datasets/{name}/objects/{sha256}.{extension}</c>.</summary>
    public static string Object(string dataset, string sha256, string extension) => $"datasets/{dataset}/objects/{sha256}.{extension}";
}

/// <summary>One stored split or document of a version.</summary>
public sealed record CuratedFile(string Key, string Sha256, long Bytes, long? Records = null);

/// <summary>
/// What a consumer of curated data needs from a version's manifest (snake_case JSON, written by
/// the curation service): its identity, task and split files. The curation service's own manifest
/// holds more (sources, options, card and report); this reads the same document.
/// </summary>
public sealed record CuratedVersion(
    string Dataset,
    int Version,
    string Sha256,
    string TaskType,
    CuratedFile Train,
    CuratedFile Validation,
    CuratedFile Test,
    IReadOnlyList<Canary>? Canaries = null,
    IReadOnlyList<string>? Sources = null,
    CuratedFile? Card = null);
