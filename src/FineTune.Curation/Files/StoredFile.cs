using System.Text.Json.Serialization;

namespace FineTune.Curation.Files;

/// <summary>
/// An uploaded file as OpenAI's files API describes it (<c>object: "file"</c>, <c>created_at</c> in
/// Unix seconds), plus the SHA-256 of its bytes for lineage.
/// </summary>
public sealed record StoredFile(
    string Id,
    long Bytes,
    long CreatedAt,
    string Filename,
    string Purpose,
    string Sha256,
    string Status = "processed",
    string? StatusDetails = null)
{
    [JsonPropertyName("object")]
    public string Object => "file";
}

/// <summary>OpenAI's answer to a delete.</summary>
public sealed record DeletedFile(string Id, bool Deleted)
{
    [JsonPropertyName("object")]
    public string Object => "file";
}

/// <summary>OpenAI's list envelope.</summary>
public sealed record ListOf<T>(IReadOnlyList<T> Data, bool HasMore = false)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}
