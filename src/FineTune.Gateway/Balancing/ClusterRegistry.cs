using FineTune.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace FineTune.Gateway.Balancing;

/// <summary>
/// Every cluster the gateway knows, from <c>Gateway:Clusters:{name}:Replicas</c> and from Aspire's
/// service discovery variables <c>services__{name}__http__{n}</c> / <c>https</c>, merged and de-duplicated.
/// A route to a name with no replicas resolves to an empty cluster, which answers 503 saying so.
/// </summary>
public sealed class ClusterRegistry
{
    private readonly Dictionary<string, Cluster> _clusters;

    public ClusterRegistry(IEnumerable<Cluster> clusters) =>
        _clusters = clusters.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<Cluster> All => _clusters.Values;

    public Cluster this[string name] => _clusters.TryGetValue(name, out var cluster) ? cluster : new Cluster(name, []);

    public static ClusterRegistry FromConfiguration(IConfiguration configuration, GatewaySettings settings)
    {
        var addresses = new Dictionary<string, List<(string Setting, string Value)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, cluster) in settings.Clusters)
            for (var i = 0; i < cluster.Replicas.Count; i++)
                Add(name, $"{GatewaySettings.Section}:Clusters:{name}:Replicas:{i}", cluster.Replicas[i]);
        foreach (var service in configuration.GetSection("services").GetChildren())
            foreach (var scheme in new[] { "http", "https" })
                foreach (var entry in service.GetSection(scheme).GetChildren())
                    if (!string.IsNullOrWhiteSpace(entry.Value)) Add(service.Key, entry.Path, entry.Value);

        return new ClusterRegistry(addresses.Select(pair => new Cluster(pair.Key,
            [.. pair.Value.Select(a => Parse(a.Setting, a.Value)).DistinctBy(u => u.AbsoluteUri).Select(u => new Replica(u))])));

        void Add(string cluster, string setting, string value)
        {
            if (!addresses.TryGetValue(cluster, out var list)) addresses[cluster] = list = [];
            list.Add((setting, value));
        }
    }

    private static Uri Parse(string setting, string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
            ? uri
            : throw new InvalidSettingException(setting, $"'{value}' is not a base address like http://127.0.0.1:5000 (http or https, no path).");
}
