using System.Text.Json.Nodes;

namespace FineTune.Deploy.Tests;

/// <summary>
/// One predicted <c>Microsoft.App/containerApps</c> resource from the snapshot, with accessors for
/// what the specs look at: ingress, its first container's env, probes and resources, secrets, scale.
/// </summary>
public sealed class ContainerApp(JsonObject resource)
{
    public JsonObject Resource { get; } = resource;
    public string Name => (string)Resource["name"]!;
    public string? AzdServiceName => (string?)Resource["tags"]?["azd-service-name"];

    private JsonNode Properties => Resource["properties"]!;
    private JsonObject Container => Properties["template"]!["containers"]![0]!.AsObject();

    public JsonObject? Ingress => Properties["configuration"]!["ingress"] as JsonObject;
    public bool IsExternal => Ingress?["external"]?.GetValue<bool>() == true;

    public IReadOnlyList<JsonObject> Env => Container["env"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    public string? EnvValue(string name) => (string?)Env.FirstOrDefault(e => (string?)e["name"] == name)?["value"];
    public string? EnvSecretRef(string name) => (string?)Env.FirstOrDefault(e => (string?)e["name"] == name)?["secretRef"];

    public IReadOnlyList<JsonObject> Secrets =>
        Properties["configuration"]!["secrets"] is JsonArray secrets ? secrets.Select(s => s!.AsObject()).ToList() : [];

    public IReadOnlyList<JsonObject> Probes => Container["probes"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
    public JsonObject? Probe(string type) => Probes.FirstOrDefault(p => (string?)p["type"] == type);

    public double Cpu => Container["resources"]!["cpu"]!.GetValue<double>();
    public string Memory => (string)Container["resources"]!["memory"]!;

    public JsonObject Scale => Properties["template"]!["scale"]!.AsObject();
    public int MinReplicas => Scale["minReplicas"]!.GetValue<int>();
    public int MaxReplicas => Scale["maxReplicas"]!.GetValue<int>();
    public IReadOnlyList<JsonObject> ScaleRules => Scale["rules"]?.AsArray().Select(r => r!.AsObject()).ToList() ?? [];

    /// <summary>Every secretRef the app uses: in env and in scale rules' auth.</summary>
    public IEnumerable<string> SecretRefs =>
        Env.Select(e => (string?)e["secretRef"])
            .Concat(ScaleRules.SelectMany(rule => rule.Select(p => (p.Value as JsonObject)?["auth"]).OfType<JsonArray>().SelectMany(a => a))
                .Select(auth => (string?)auth?["secretRef"]))
            .OfType<string>();

    public override string ToString() => Name;
}
