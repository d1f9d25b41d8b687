using FineTune.Testing;
using System.Text.Json.Nodes;

namespace FineTune.Deploy.Tests;

/// <summary>
/// The deployment as the specs see it, built once for all of them: infra/main.bicep compiled to ARM
/// JSON, the same template evaluated by <c>bicep snapshot</c> with sentinel secrets (so a spec can tell
/// where a secret ended up), azure.yaml, and the AppHost's resource model.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    /// <summary>Passed as the secure parameters; they may appear only as Container Apps secret values.</summary>
    public const string RabbitMqPasswordSentinel = "SentinelRabbitMqPassword4711";
    public static readonly string GatewayKeyHashSentinel = string.Concat(Enumerable.Repeat("5e171e15", 8));

    private readonly string _workFolder = Directory.CreateTempSubdirectory("finetune-deploy-specs-").FullName;

    public JsonObject Template { get; private set; } = new();
    public string BuildDiagnostics { get; private set; } = "";
    public JsonObject Snapshot { get; private set; } = new();
    public AzureYaml AzureYaml { get; } = AzureYaml.Load(RepositoryFiles.PathOf("azure.yaml"));
    public IReadOnlyList<AppHostResource> AppHost { get; private set; } = [];

    public IEnumerable<JsonObject> PredictedResources => Snapshot["predictedResources"]!.AsArray().Select(r => r!.AsObject());

    /// <summary>Every predicted container app, RabbitMQ included, by name.</summary>
    public IReadOnlyDictionary<string, ContainerApp> ContainerApps { get; private set; } = new Dictionary<string, ContainerApp>();

    /// <summary>The container apps azd deploys into, by their azd-service-name tag.</summary>
    public IReadOnlyDictionary<string, ContainerApp> ServiceApps =>
        ContainerApps.Values.Where(a => a.AzdServiceName is not null).ToDictionary(a => a.AzdServiceName!);

    public JsonObject Outputs => Snapshot["outputs"]!.AsObject();

    public async Task InitializeAsync()
    {
        var main = RepositoryFiles.PathOf("infra", "main.bicep");
        var parameters = Path.Combine(_workFolder, "main.bicepparam");
        var relativeMain = Path.GetRelativePath(_workFolder, main).Replace('\\', '/');
        await File.WriteAllTextAsync(parameters, $"""
            using '{relativeMain}'
            param environmentName = 'specs'
            param location = 'westeurope'
            param rabbitMqPassword = '{RabbitMqPasswordSentinel}'
            param gatewayAdminKeySha256 = '{GatewayKeyHashSentinel}'
            """);

        // Both runs start the CLI, which dominates; side by side they cost one.
        var build = BicepCli.BuildAsync(main);
        var snapshot = BicepCli.SnapshotAsync(parameters);
        var apphost = AppHostModel.PublishAsync(_workFolder);
        var built = await build;
        Template = JsonNode.Parse(built.StandardOutput)!.AsObject();
        BuildDiagnostics = built.Diagnostics.Trim();
        Snapshot = await snapshot;
        AppHost = await apphost;

        ContainerApps = PredictedResources
            .Where(r => (string?)r["type"] == "Microsoft.App/containerApps")
            .Select(r => new ContainerApp(r))
            .ToDictionary(a => a.Name);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_workFolder, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<DeploymentFixture>
{
    public const string Name = "Deployment";
}
