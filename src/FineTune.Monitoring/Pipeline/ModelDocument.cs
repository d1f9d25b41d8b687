using System.Text.Json.Serialization;

namespace FineTune.Monitoring.Pipeline;

/// <summary>A registered version; the job and time are null while only a promotion named it.</summary>
public sealed record ModelVersionEntry(
    int Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? JobId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? RegisteredAt);

/// <summary>An alias moved: <c>promoted</c> or <c>rolled_back</c>.</summary>
public sealed record AliasTransition(
    string Action,
    string Alias,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? From,
    int To,
    string By,
    string Reason,
    DateTimeOffset At)
{
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled_back";
}

/// <summary>
/// What monitoring knows of one model name, stored as <c>monitoring/pipeline/models/{name}.json</c>: its
/// versions and every alias transition, sorted by time. An alias points where its latest transition
/// took it, so a late or repeated announcement cannot move it back.
/// </summary>
public sealed record ModelDocument(string Name, IReadOnlyList<ModelVersionEntry> Versions, IReadOnlyList<AliasTransition> History)
{
    public static ModelDocument New(string name) => new(name, [], []);

    public IReadOnlyDictionary<string, int> Aliases =>
        History.GroupBy(t => t.Alias, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().To, StringComparer.Ordinal);

    public bool Knows(int version) => Versions.Any(v => v.Version == version);

    public ModelDocument WithVersion(ModelVersionEntry entry) => this with
    {
        Versions = [.. Versions.Where(v => v.Version != entry.Version).Append(entry).OrderBy(v => v.Version)],
    };

    /// <summary>History stays sorted by time; ties are broken by action and version, so every delivery order sorts alike.</summary>
    public ModelDocument WithTransition(AliasTransition transition) => this with
    {
        History = [.. History.Append(transition).OrderBy(t => t.At).ThenBy(t => t.Action, StringComparer.Ordinal).ThenBy(t => t.To)],
    };

    public DateTimeOffset? LatestMove(string alias) => History.LastOrDefault(t => t.Alias == alias)?.At;
}
