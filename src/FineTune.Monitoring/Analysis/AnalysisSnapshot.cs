using System.Text.Json;
using FineTune.Contracts;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// The whole analysis state as one JSON document at <see cref="Key"/>, so a restart resumes the last
/// hour's windows, open alerts and episodes instead of starting empty and raising the same episode
/// again. <see cref="Unpublished"/> holds the events decided but not yet known to be published: they
/// are written before they are published and published again, with the same ids, after a crash.
/// References are not stored (they live in the artifact store already); <see cref="Referenced"/>
/// names the versions to look them up for.
/// </summary>
public sealed record AnalysisSnapshot(int Format, TrafficSnapshot Traffic, AlertBookSnapshot Alerts, DriftSnapshot Drift,
    IReadOnlyList<SloEpisodeSnapshot> Slo, IReadOnlyList<ModelRef> Referenced, IReadOnlyList<PendingMessage> Unpublished)
{
    public const string Key = "monitoring/analysis/state.json";

    /// <summary>The snapshot layout this build writes; another one is not restored.</summary>
    public const int CurrentFormat = 1;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ArtifactJson.Options);

    /// <summary>Reads a snapshot; throws <see cref="InvalidDataException"/> saying what is wrong with it.</summary>
    public static AnalysisSnapshot FromJson(ReadOnlySpan<byte> json)
    {
        var snapshot = JsonSerializer.Deserialize<AnalysisSnapshot>(json, ArtifactJson.Options) ?? throw new InvalidDataException("The snapshot is null.");
        if (snapshot.Format != CurrentFormat) throw new InvalidDataException($"format is {snapshot.Format}; this build reads {CurrentFormat}.");
        return snapshot;
    }
}

/// <summary>An event to publish, by its contract type's full name, as the snapshot stores it.</summary>
public sealed record PendingMessage(string Type, JsonElement Message)
{
    public static PendingMessage Of(object message) =>
        new(message.GetType().FullName!, JsonSerializer.SerializeToElement(message, message.GetType(), ArtifactJson.Options));

    /// <summary>The event again; only contract types (<see cref="FineTune.Contracts"/>) are accepted.</summary>
    public object ToMessage()
    {
        var type = typeof(AlertRaised).Assembly.GetType(Type) ?? throw new InvalidDataException($"'{Type}' is not a contract type.");
        return Message.Deserialize(type, ArtifactJson.Options) ?? throw new InvalidDataException($"The pending '{Type}' is null.");
    }
}
