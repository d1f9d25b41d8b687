using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// The resource model as JSON, in the spirit of Aspire's manifest: each resource's type, its
/// bindings, and its environment written as expressions over other resources
/// (<c>{messaging.connectionString}</c>, <c>{inference.bindings.http.url}</c>), not as this run's ports.
/// </summary>
public static class ManifestWriter
{
    public static string Write(IEnumerable<IResource> resources)
    {
        var model = new JsonObject();
        foreach (var resource in resources) model[resource.Name] = Describe(resource);
        return new JsonObject { ["resources"] = model }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Describe(IResource resource)
    {
        if (resource is not ProjectResource project)
            return new JsonObject
            {
                ["type"] = "executable.v0",
                ["kind"] = resource.Kind,
                ["connectionString"] = $"{{{resource.Name}.connectionString}}",
                ["waitFor"] = Names(resource.WaitsFor),
            };

        var env = new JsonObject { ["OTEL_SERVICE_NAME"] = project.Name };
        foreach (var reference in project.References)
        {
            if (reference is ProjectResource service)
                for (var i = 0; i < service.Replicas.Count; i++)
                    env[$"services__{service.Name}__http__{i}"] = $"{{{service.Name}.bindings.http.url}}";
            else
                env[$"ConnectionStrings__{reference.Name}"] = $"{{{reference.Name}.connectionString}}";
        }
        return new JsonObject
        {
            ["type"] = "project.v0",
            ["path"] = project.ProjectFolder,
            ["replicas"] = project.Replicas.Count,
            ["env"] = env,
            ["bindings"] = new JsonObject { ["http"] = new JsonObject { ["scheme"] = "http", ["protocol"] = "tcp", ["transport"] = "http" } },
            ["references"] = Names(project.References),
            ["waitFor"] = Names(project.WaitsFor),
        };
    }

    private static JsonArray Names(IEnumerable<IResource> resources) => [.. resources.Select(r => (JsonNode)r.Name)];
}
