using System.Text.Json.Serialization;

namespace FineTune.Training.Jobs;

/// <summary>One entry of a job's log, in OpenAI's <c>fine_tuning.job.event</c> shape; metrics events carry the step's numbers in <see cref="Data"/>.</summary>
public sealed record JobEvent(string Id, long CreatedAt, string Level, string Message, string Type, IReadOnlyDictionary<string, object?>? Data = null)
{
    [JsonPropertyName("object")]
    public string Object => "fine_tuning.job.event";

    public static JobEvent Note(string message, string level = "info") =>
        new(NewId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), level, message, "message");

    public static JobEvent Metrics(string message, IReadOnlyDictionary<string, object?> data) =>
        new(NewId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "info", message, "metrics", data);

    // time-ordered, so listing the keys lists the events in order
    private static string NewId() => $"ftevent-{DateTimeOffset.UtcNow.UtcTicks:D19}{Guid.NewGuid().ToString("N")[..8]}";
}
