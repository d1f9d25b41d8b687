using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTune.Models.Formats;

/// <summary>The JSON the project writes for people and Python tools to read: snake_case names, indented, nulls left out (as trainer_state.json is).</summary>
public static class SnakeCaseJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
