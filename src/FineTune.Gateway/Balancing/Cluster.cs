namespace FineTune.Gateway.Balancing;

/// <summary>
/// The replicas of one service and the choice among them: power of two choices on least outstanding
/// requests — two healthy replicas drawn at random, the less busy one wins — which spreads load
/// almost as well as scanning all replicas without every gateway herding onto the same one.
/// </summary>
public sealed class Cluster(string name, IReadOnlyList<Replica> replicas)
{
    public string Name { get; } = name;

    public IReadOnlyList<Replica> Replicas { get; } = replicas;

    /// <summary>A healthy replica not in <paramref name="exclude"/>, or null when none is left.</summary>
    public Replica? Pick(IReadOnlySet<Replica> exclude)
    {
        Span<int> candidates = stackalloc int[Replicas.Count];
        var count = 0;
        for (var i = 0; i < Replicas.Count; i++)
            if (!Replicas[i].IsEjected && !exclude.Contains(Replicas[i])) candidates[count++] = i;
        if (count == 0) return null;
        if (count == 1) return Replicas[candidates[0]];
        var first = Random.Shared.Next(count);
        var second = (first + 1 + Random.Shared.Next(count - 1)) % count;
        var (a, b) = (Replicas[candidates[first]], Replicas[candidates[second]]);
        return b.Outstanding < a.Outstanding ? b : a;
    }

    /// <summary>Why no replica can take a request, for the 503's message.</summary>
    public string Unavailable() => Replicas.Count == 0
        ? $"The '{Name}' service has no replicas configured (set {GatewaySettings.Section}:Clusters:{Name}:Replicas or services__{Name}__http__0)."
        : $"No healthy replica of the '{Name}' service: " +
          string.Join("; ", Replicas.Select(r => $"{r.Address} is ejected ({r.EjectionReason})")) + ".";
}
