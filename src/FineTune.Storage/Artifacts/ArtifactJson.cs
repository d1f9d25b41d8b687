using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTune.Storage.Artifacts;

/// <summary>
/// The shape every service writes its stored documents in — snake_case names and enum values, as
/// OpenAI's API — for any library that reads another service's documents.
/// </summary>
public static class ArtifactJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
